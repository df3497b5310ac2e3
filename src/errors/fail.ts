import { errorCatalog, type ErrorCode } from './catalog.js';
import { TesseraError } from './tessera-error.js';

/** Builds the catalogued error for `code`; status and event come from the catalogue. */
export function fail(code: ErrorCode, message: string, cause?: unknown): TesseraError {
  const entry: { status: number; event?: number } = errorCatalog[code];
  return new TesseraError(code, message, { status: entry.status, eventId: entry.event, cause });
}
