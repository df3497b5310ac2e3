export { TesseraError, isTesseraError, withMessage } from './tessera-error.js';
export { errorCatalog, isErrorCode, type ErrorCode, type ErrorEntry } from './catalog.js';
export { fail } from './fail.js';
export { explainFileError, type FileAction } from './file-errors.js';
