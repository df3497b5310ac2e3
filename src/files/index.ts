export { trustDirectory, type TrustOptions } from './trusted-directory.js';
export { openOwnFile, checkOwnEntry, sameFile, type OwnFile, type OwnFileOptions } from './own-file.js';
export { systemError } from './system-error.js';
export { decodeUtf8, lineAt } from './utf8.js';
