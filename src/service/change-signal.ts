/**
 * How one process's services tell its caches that they changed the store: the vault service
 * after every change operation, the secret service after a generate or restore. Caches in the
 * process subscribe (the credential cache empties itself), so a change is never served stale
 * by the process that made it once the call returns. Other processes learn of it from the
 * store's change version instead.
 */
export interface ChangeSignal {
  /** Called once the write has settled (committed or failed), before the call returns. */
  notify(): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createChangeSignal(): ChangeSignal {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Runs a store write, then tells the process's caches, whether it committed or failed. */
export async function notifying<T>(deps: { changes?: ChangeSignal | undefined }, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    deps.changes?.notify();
  }
}
