export { type TesseraConfig, loadConfig, absolutePath, DEFAULT_HOME, ENVIRONMENT } from './config.js';
export { VERSION } from './version.js';
