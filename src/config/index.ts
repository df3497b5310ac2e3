export { type TesseraConfig, type ClientSettings, type SettingSource, loadConfig, homeFrom, configFromFileText, absolutePath, DEFAULT_HOME } from './config.js';
export { ENVIRONMENT, SETTINGS, type SettingKey, type ConfigFlags, type Environment } from './settings.js';
export { CONFIG_FILE_NAME, MAX_CONFIG_FILE_BYTES } from './config-file.js';
export type { Origin } from './given.js';
export { writeDatabaseSetting, type DatabaseSetting } from './database-setting.js';
export { databaseShown } from './database-shown.js';
export { VERSION } from './version.js';
