// The one IndexedDB helper (usable in workers and pages): a database of named object stores behind a
// promise API. Each transaction's failure (quota, private mode, blocked upgrade) reaches the caller as a
// rejected promise, never silently. By default every call opens the database and closes it again, so
// no connection is held across a reload; keepOpen reuses one connection (the upload cache writes
// thousands of chunks) and lets go at once when another context deletes or upgrades the database.

export interface StoreSpec {
  name: string;
  /** In-line key path; omitted: out-of-line keys (put(value, key)). */
  keyPath?: string;
}

export interface IdbDatabase {
  /** Run `f` in one transaction over `names`; resolves with its request's result once committed. */
  tx<T>(names: string[], mode: IDBTransactionMode, f: (t: IDBTransaction) => IDBRequest<T> | undefined): Promise<T>;
}

export interface IdbStore {
  /** Run `f` on the store in one transaction; resolves with its request's result once committed. */
  tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T>;
}

/** Database `db` (version 1) with `stores`, each created if missing. */
export function idbDatabase(db: string, stores: readonly StoreSpec[], opts: { keepOpen?: boolean } = {}): IdbDatabase {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(db, 1);
      req.onupgradeneeded = () => {
        for (const s of stores) if (!req.result.objectStoreNames.contains(s.name)) req.result.createObjectStore(s.name, s.keyPath ? { keyPath: s.keyPath } : undefined);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
      req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
    });
  let kept: Promise<IDBDatabase> | null = null;
  const connect = () => {
    if (!opts.keepOpen) return open();
    if (!kept) {
      const opening = open();
      kept = opening;
      void opening.then(
        (d) => {
          d.onversionchange = () => {
            d.close();
            if (kept === opening) kept = null;
          };
        },
        () => {
          if (kept === opening) kept = null;
        },
      );
    }
    return kept;
  };
  return {
    async tx<T>(names: string[], mode: IDBTransactionMode, f: (t: IDBTransaction) => IDBRequest<T> | undefined): Promise<T> {
      const d = await connect();
      try {
        return await new Promise<T>((resolve, reject) => {
          const t = d.transaction(names, mode);
          const r = f(t);
          t.oncomplete = () => resolve(r?.result as T);
          t.onerror = () => reject(t.error ?? r?.error);
          t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
        });
      } finally {
        if (!opts.keepOpen) d.close();
      }
    },
  };
}

/** The store `store` of database `db` (version 1), created with `keyPath` (or out-of-line keys) if missing. */
export function idbStore(db: string, store: string, keyPath?: string): IdbStore {
  const d = idbDatabase(db, [{ name: store, keyPath }]);
  return { tx: (mode, f) => d.tx([store], mode, (t) => f(t.objectStore(store))) };
}
