/** `tessera serve` as a real child process, for the suites that test the running node. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { TestVault } from './cli.js';
import { distFile } from './dist.js';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** The URL it printed. */
  url: string;
  output(): { stdout: string; stderr: string };
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `tessera serve` on an ephemeral loopback port (unless `args` say otherwise) and waits until it serves. */
export function startServe(vault: TestVault, args: string[] = ['--listen', '127.0.0.1:0'], env: Record<string, string> = {}): Promise<ServeProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
  const child = spawn(process.execPath, [distFile('cli/tessera.js'), 'serve', ...args], { env: { ...clean, ...vault.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /Tessera is serving (\S+) /.exec(stdout);
      if (!match) return;
      child.stdout.off('data', check);
      resolve({
        child,
        url: match[1]!,
        output: () => ({ stdout, stderr }),
        async stop(signal = 'SIGTERM') {
          child.kill(signal);
          const code = await exited;
          return { code, stdout, stderr };
        },
      });
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`tessera serve exited with ${code} before serving:\n${stdout}\n${stderr}`)));
  });
}
