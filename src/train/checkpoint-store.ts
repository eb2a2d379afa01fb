// Checkpoints kept in IndexedDB (available in workers), one record per run id: the latest
// safetensors bytes plus when and at which step it was saved. A failed write (quota exceeded, private
// mode) is reported to the caller, never swallowed.

const DB = 'sharelab';
const STORE = 'checkpoints';

export interface StoredCheckpoint {
  runId: string;
  step: number;
  savedAt: number;
  bytes: Uint8Array;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'runId' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const r = f(t.objectStore(STORE));
      t.oncomplete = () => resolve(r.result);
      t.onerror = () => reject(t.error ?? r.error);
      t.onabort = () => reject(t.error ?? new Error('transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export const saveCheckpoint = (c: StoredCheckpoint) => tx('readwrite', (s) => s.put(c)).then(() => undefined);
export const loadCheckpoint = (runId: string) => tx<StoredCheckpoint | undefined>('readonly', (s) => s.get(runId));
export const deleteCheckpoint = (runId: string) => tx('readwrite', (s) => s.delete(runId)).then(() => undefined);
