import { closeSync, openSync, readSync } from 'node:fs';

/** The user whose files Tessera's are: the effective uid decides what the process creates. */
export function runningUid(): number {
  return process.geteuid!();
}

/** /etc/passwd is read at most this far: names are a courtesy in messages, never a decision. */
const PASSWD_MAX_BYTES = 1 << 20;

/** `uid 65534 (nobody)`, or just `uid 65534` when the name is not in /etc/passwd. */
export function describeUid(uid: number): string {
  const name = userName(uid);
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}

/** The name `chown` takes for `uid`: the login name when known, else the number. */
export function chownName(uid: number): string {
  return userName(uid) ?? String(uid);
}

/** `0777`: permission bits as chmod prints them (with the sticky bit when set). */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function userName(uid: number): string | undefined {
  let text: string;
  try {
    const fd = openSync('/etc/passwd', 'r');
    try {
      const buffer = Buffer.alloc(PASSWD_MAX_BYTES);
      text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id === String(uid)) return name;
  }
  return undefined;
}
