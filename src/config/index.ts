export { type TesseraConfig, loadConfig, absolutePath, DEFAULT_HOME, ENVIRONMENT } from './config.js';
