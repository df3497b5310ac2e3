import { fail, isTesseraError, withMessage } from '../errors/index.js';
import type { BackupInfo, SecretApi, SecretService } from '../service/index.js';
import type { HttpCaller } from './http.js';

type BackupResult = Awaited<ReturnType<SecretService['backup']>>;
type GenerateResult = Awaited<ReturnType<SecretService['generate']>>;
type VerifyResult = Awaited<ReturnType<SecretService['verify']>>;
type RestoreResult = Awaited<ReturnType<SecretService['restore']>>;
type SecretStatus = Awaited<ReturnType<SecretService['status']>>;
type StoredEvent = Awaited<ReturnType<SecretService['events']>>[number];

/**
 * The files a remote backup, verify or restore touches on THIS machine: the caller provides
 * them (the CLI, with its own checks and wording), so this layer holds no file policy.
 */
export interface LocalBackupFiles {
  /** Refuses a target the backup could not be written to (exists without force, a directory...), before any password is asked. */
  checkTarget(file: string, force: boolean): Promise<void>;
  /** Writes the downloaded backup atomically, mode 0600; replaces an existing file only with force. */
  write(file: string, bytes: Buffer, force: boolean): Promise<void>;
  /** Reads a local backup (size-limited) and what it says in clear. */
  read(file: string): Promise<{ bytes: Buffer; info: BackupInfo }>;
}

/**
 * The master secret operations over HTTP. Passwords are asked here, as locally (after the cheap
 * checks), and travel only in request bodies. Backups are local files: a backup is downloaded,
 * written here and uploaded back to be verified, so the server records a kept copy; verify and
 * restore upload the local file. generate writes its backup on the SERVER (a new secret must
 * not depend on a download arriving), so its file is a path there.
 */
export function createHttpSecrets(http: HttpCaller, files: LocalBackupFiles): SecretApi {
  return {
    init: async () => {
      throw fail(
        'INVALID_ARGUMENT',
        `tessera init creates a vault on this machine; the server at ${http.url} has its own: run tessera init there, without --server`,
      );
    },
    status: () => http.call<SecretStatus>('GET', '/v1/secret/status'),

    backup: async (target) => {
      await files.checkTarget(target.file, target.force);
      const password = await target.password();
      const downloaded = await http.call<BackupResult & { content?: string }>('POST', '/v1/secret/backup', {
        body: { password, ...(target.reminder === null ? {} : { reminder: target.reminder }) },
      });
      if (typeof downloaded.content !== 'string')
        throw fail('SERVER_UNREACHABLE', `${http.url} answered a backup download without the file: is it a Tessera server?`);
      const bytes = Buffer.from(downloaded.content, 'base64');
      await files.write(target.file, bytes, target.force);
      // The server counts a download as kept only once the copy is verified: upload what the disk holds now.
      const kept = await files.read(target.file);
      await http.call<unknown>('POST', '/v1/secret/verify', { body: { content: kept.bytes.toString('base64'), password } });
      return {
        file: target.file,
        vaultId: downloaded.vaultId,
        currentMsid: downloaded.currentMsid,
        previousMsid: downloaded.previousMsid,
        msids: downloaded.msids,
      };
    },

    generate: async (target) => {
      const password = await target.password();
      const result = await http.call<GenerateResult>('POST', '/v1/secret/generate', {
        body: { file: target.file, password, ...(target.force ? { force: true } : {}), ...(target.reminder === null ? {} : { reminder: target.reminder }) },
      });
      return { ...result, file: result.file ?? target.file };
    },

    verify: async (source) => {
      const result = await uploaded(source.file, files, source.password, (body) => http.call<VerifyResult>('POST', '/v1/secret/verify', { body }));
      return { ...result, file: source.file };
    },

    restore: async (request) => {
      const result = await uploaded(request.file, files, request.password, (body) =>
        http.call<RestoreResult>('POST', '/v1/secret/restore', { body: request.force ? { ...body, force: true } : body }),
      );
      return { ...result, file: request.file };
    },

    events: (query) =>
      http.call<StoredEvent[]>('GET', '/v1/events', {
        query: {
          id: query.id === undefined ? undefined : String(query.id),
          since: query.since,
          limit: query.limit === undefined ? undefined : String(query.limit),
        },
      }),
  };
}

/**
 * Reads the local file, shows its clear header through the password prompt, uploads it. The
 * server names an upload "(uploaded by ...)": its messages get the local file's name back.
 */
async function uploaded<T>(
  file: string,
  files: LocalBackupFiles,
  password: (info: BackupInfo) => Promise<string>,
  send: (body: { content: string; password: string }) => Promise<T>,
): Promise<T> {
  const { bytes, info } = await files.read(file);
  const typed = await password(info);
  try {
    return await send({ content: bytes.toString('base64'), password: typed });
  } catch (error) {
    if (!isTesseraError(error)) throw error;
    const renamed = error.message.replace(/\(uploaded by [^)]*\)/g, file);
    throw renamed === error.message ? error : withMessage(error, renamed);
  }
}
