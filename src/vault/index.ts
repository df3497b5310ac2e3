export { type UnwrappedDataKey, newDataKey, unwrapDataKey, rewrapDataKey, requireDataKey } from './data-keys.js';
export { type FieldOwner, sealFields, openFields, openFieldBytes, fieldKeyVersion } from './field-cipher.js';
export { type TicketClaims, issueTicket, readTicket } from './tickets.js';
export {
  type ApplicationInput,
  LIMITS,
  DEFAULT_FLAGS,
  IMMUTABLE_FLAGS,
  checkApplication,
  checkApplicationName,
  defaultFlags,
  checkNewApplication,
  checkText,
  checkTicketTimeout,
  checkAccount,
  isAccountName,
  sameAccount,
} from './application-rules.js';
export { nameKey, sameName } from './account-name.js';
export { type TextKind, textProblem, checkName, checkFreeText, checkLength } from './text-rules.js';
export { describeCodePoint } from './code-points.js';
