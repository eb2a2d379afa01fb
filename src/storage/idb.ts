// One IndexedDB object store behind a promise API (usable in workers and pages): each call opens the
// database, runs one transaction and closes it again, so no connection is held across a reload and a
// failure (quota, private mode, blocked) reaches the caller as a rejected promise, never silently.

export interface IdbStore {
  /** Run `f` on the store in one transaction; resolves with its request's result once committed. */
  tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T>;
}

/** The store `store` of database `db` (version 1), created with `keyPath` (or out-of-line keys) if missing. */
export function idbStore(db: string, store: string, keyPath?: string): IdbStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(db, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store, keyPath ? { keyPath } : undefined);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
    });
  return {
    async tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
      const d = await open();
      try {
        return await new Promise<T>((resolve, reject) => {
          const t = d.transaction(store, mode);
          const r = f(t.objectStore(store));
          t.oncomplete = () => resolve(r.result);
          t.onerror = () => reject(t.error ?? r.error);
          t.onabort = () => reject(t.error ?? new Error('transaction aborted'));
        });
      } finally {
        d.close();
      }
    },
  };
}
