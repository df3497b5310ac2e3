export { sealEnvelope, openEnvelope, envelopeKeyId, decryptionFailed, ENVELOPE_VERSION, KEY_BYTES } from './aead.js';
export type { Seal } from './seal.js';
export { createKeyFile, openKeyFile, keyFileSealSource, SEAL_KEY_ROLE } from './file-seal.js';
export {
  type MasterSecret,
  type Keyring,
  type KeyringFacts,
  type SecretFacts,
  generateMasterSecret,
  newKeyring,
  rotateKeyring,
  keyringFacts,
  allSecrets,
  findSecret,
  disposeKeyring,
  sealKeyring,
  unsealKeyring,
} from './keyring.js';
export { type KdfParameters, DEFAULT_KDF, KDF_BOUNDS, KDF_MAX_WORK, kdfParametersProblem, argon2id } from './kdf.js';
export {
  type BackupHeader,
  type BackupInfo,
  type BackupKeys,
  type ParsedBackup,
  deriveKeysForNewBackup,
  disposeBackupKeys,
  openBackup,
  BACKUP_MAGIC,
  BACKUP_FORMAT_VERSION,
  encryptBackup,
  parseBackup,
  readBackupFile,
  MAX_BACKUP_BYTES,
  decryptBackup,
  backupInfo,
} from './backup-file.js';
export { checkBackupPassword, checkReminder, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, REMINDER_MAX_LENGTH } from './password-policy.js';
export { type StepHook, writeFileAtomically, checkWritableTarget, systemError } from './durable-file.js';
