// Teacher tables kept in IndexedDB (its own database; usable in workers) by content key, so a table is
// computed once per (teacher file, dataset) and survives reloads: a restored teacher run finds its table
// here. Failures (quota, private mode) are reported to the caller, never swallowed.

const DB = 'sharelab-teacher';
const STORE = 'tables';

export interface StoredTable {
  key: string;
  rows: number;
  dim: number;
  /** Normalised rows (src/teacher/parse.ts normaliseRows). */
  data: Float32Array;
  file: string;
  savedAt: number;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'key' });
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

export const saveTable = (t: StoredTable) => tx('readwrite', (s) => s.put(t)).then(() => undefined);
export const loadTable = (key: string) => tx<StoredTable | undefined>('readonly', (s) => s.get(key));
export const deleteTable = (key: string) => tx('readwrite', (s) => s.delete(key)).then(() => undefined);
