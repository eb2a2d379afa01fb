// The upload cache: preprocessed uploads in IndexedDB, keyed by content hash (+ resolution), shared by
// the upload worker (writes) and the training worker (reads). An upload is identified by `id`, the
// SHA-256 of its pairs (image content hash + captions, in order), so dropping the same files again
// — or the page reloading with the id in its URL — finds the decoded tensors without decoding.
//
// Object stores (database "sharelab-uploads"):
//   uploads  id → UploadSummary                 (small: listed in the UI)
//   details  id → UploadDetail                  (captions, paths, report, labels)
//   tensors  "<id>@<S>v<version>" → TensorMeta  (one per resolution; `complete` once every chunk is in)
//   chunks   "<tensor key>#<k>" → Uint8Array    (chunkSize images of (3, S, S) uint8)
// MemoryUploadStore implements the same interface for Node tests.
import type { IngestReport, Skip } from './types';
import { idbDatabase } from '../../storage/idb';
import { PREPROCESS_VERSION } from './preprocess';

export interface UploadSummary {
  id: string;
  /** Display name: the dropped folder/archive name or "N files". */
  name: string;
  createdAt: number;
  /** Usable pairs (parsed and decoded). */
  pairs: number;
  captions: number;
  format: string;
  /** Class count when labels were inferred from class folders, else 0. */
  classes: number;
}

export interface UploadDetail {
  id: string;
  /** Per parsed pair, in order. */
  paths: string[];
  captions: string[][];
  /** FNV-1a 64 of each image. */
  hashes: string[];
  report: IngestReport;
  labels?: { names: string[]; label: number[] };
}

export interface TensorMeta {
  key: string;
  id: string;
  size: number;
  version: number;
  chunkSize: number;
  /** Images stored (= pairs − dropped). */
  count: number;
  chunks: number;
  /** Pair indices the browser could not decode (not stored), and their report entries. */
  dropped: number[];
  decodeSkips: Skip[];
  complete: boolean;
  /** When decoding began: an incomplete entry older than a while is a cancelled or crashed load. */
  startedAt: number;
  decodeMs: number;
}

export interface UploadListing extends UploadSummary {
  /** Resolutions with complete tensors. */
  sizes: number[];
}

export interface UploadStore {
  putUpload(summary: UploadSummary, detail: UploadDetail): Promise<void>;
  getSummary(id: string): Promise<UploadSummary | undefined>;
  getDetail(id: string): Promise<UploadDetail | undefined>;
  putTensors(meta: TensorMeta): Promise<void>;
  getTensors(id: string, size: number): Promise<TensorMeta | undefined>;
  putChunk(id: string, size: number, k: number, data: Uint8Array): Promise<void>;
  getChunk(id: string, size: number, k: number): Promise<Uint8Array | undefined>;
  list(): Promise<UploadListing[]>;
  remove(id: string): Promise<void>;
  /** Drop tensors (and their chunks) that never completed and began over `staleMs` ago, and chunks without an entry. */
  prune(staleMs: number): Promise<number>;
}

/** The tensor keys to prune, given every chunk key and tensor entry. */
export function staleTensorKeys(chunkKeys: readonly string[], tensors: readonly TensorMeta[], now: number, staleMs: number): string[] {
  const byKey = new Map(tensors.map((t) => [t.key, t]));
  const out = new Set<string>();
  for (const t of tensors) if (!t.complete && now - (t.startedAt ?? 0) > staleMs) out.add(t.key);
  for (const k of chunkKeys) {
    const tk = k.slice(0, k.lastIndexOf('#'));
    if (!byKey.has(tk)) out.add(tk);
  }
  return [...out];
}

/** Upload ids are SHA-256 hex digests. */
export const UPLOAD_ID = /^[0-9a-f]{64}$/;

export const tensorKey = (id: string, size: number, version = PREPROCESS_VERSION) => `${id}@${size}v${version}`;
export const chunkKey = (id: string, size: number, k: number, version = PREPROCESS_VERSION) => `${tensorKey(id, size, version)}#${String(k).padStart(6, '0')}`;
/** Key range of everything stored under an upload id (tensors and chunks). */
export const idRange = (id: string): [string, string] => [`${id}@`, `${id}@\uffff`];

function listing(summaries: UploadSummary[], tensors: TensorMeta[]): UploadListing[] {
  return summaries
    .map((s) => ({
      ...s,
      sizes: tensors
        .filter((t) => t.id === s.id && t.complete && t.version === PREPROCESS_VERSION)
        .map((t) => t.size)
        .sort((a, b) => a - b),
    }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

// ------------------------------------------------------------------------------------- IndexedDB

const DB = 'sharelab-uploads';
type StoreName = 'uploads' | 'details' | 'tensors' | 'chunks';

const db = idbDatabase(
  DB,
  [{ name: 'uploads', keyPath: 'id' }, { name: 'details', keyPath: 'id' }, { name: 'tensors', keyPath: 'key' }, { name: 'chunks' }],
  { keepOpen: true },
);

/** Quota errors get a message a user can act on. */
function explain(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.name === 'QuotaExceededError') return new Error(`browser storage is full (${err.message}); delete cached uploads or free disk space`);
  return err;
}

export class IdbUploadStore implements UploadStore {
  private tx<T>(names: StoreName[], mode: IDBTransactionMode, f: (t: IDBTransaction) => IDBRequest<T> | undefined): Promise<T> {
    return db.tx(names, mode, f).catch((e) => {
      throw explain(e);
    });
  }

  putUpload(summary: UploadSummary, detail: UploadDetail) {
    return this.tx(['uploads', 'details'], 'readwrite', (t) => {
      t.objectStore('details').put(detail);
      return t.objectStore('uploads').put(summary);
    }).then(() => undefined);
  }
  getSummary(id: string) {
    return this.tx<UploadSummary | undefined>(['uploads'], 'readonly', (t) => t.objectStore('uploads').get(id));
  }
  getDetail(id: string) {
    return this.tx<UploadDetail | undefined>(['details'], 'readonly', (t) => t.objectStore('details').get(id));
  }
  putTensors(meta: TensorMeta) {
    return this.tx(['tensors'], 'readwrite', (t) => t.objectStore('tensors').put(meta)).then(() => undefined);
  }
  getTensors(id: string, size: number) {
    return this.tx<TensorMeta | undefined>(['tensors'], 'readonly', (t) => t.objectStore('tensors').get(tensorKey(id, size)));
  }
  putChunk(id: string, size: number, k: number, data: Uint8Array) {
    return this.tx(['chunks'], 'readwrite', (t) => t.objectStore('chunks').put(data, chunkKey(id, size, k))).then(() => undefined);
  }
  getChunk(id: string, size: number, k: number) {
    return this.tx<Uint8Array | undefined>(['chunks'], 'readonly', (t) => t.objectStore('chunks').get(chunkKey(id, size, k)));
  }
  async list() {
    const summaries = await this.tx<UploadSummary[]>(['uploads'], 'readonly', (t) => t.objectStore('uploads').getAll());
    const tensors = await this.tx<TensorMeta[]>(['tensors'], 'readonly', (t) => t.objectStore('tensors').getAll());
    return listing(summaries, tensors);
  }
  async prune(staleMs: number) {
    const keys = (await this.tx<IDBValidKey[]>(['chunks'], 'readonly', (t) => t.objectStore('chunks').getAllKeys())) as string[];
    const tensors = await this.tx<TensorMeta[]>(['tensors'], 'readonly', (t) => t.objectStore('tensors').getAll());
    const stale = staleTensorKeys(keys, tensors, Date.now(), staleMs);
    for (const tk of stale) {
      await this.tx(['chunks', 'tensors'], 'readwrite', (t) => {
        t.objectStore('chunks').delete(IDBKeyRange.bound(`${tk}#`, `${tk}#\uffff`));
        return t.objectStore('tensors').delete(tk);
      });
    }
    return stale.length;
  }
  remove(id: string) {
    const range = IDBKeyRange.bound(...idRange(id));
    return this.tx(['uploads', 'details', 'tensors', 'chunks'], 'readwrite', (t) => {
      t.objectStore('chunks').delete(range);
      t.objectStore('tensors').delete(range);
      t.objectStore('details').delete(id);
      return t.objectStore('uploads').delete(id);
    }).then(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------- memory

/** The same store in a Map (Node tests); values are copied in and out like structured clone. */
export class MemoryUploadStore implements UploadStore {
  readonly data = new Map<string, unknown>();
  /** Counts of chunk writes/reads (tests check that a cached load decodes and writes nothing). */
  chunkWrites = 0;
  chunkReads = 0;
  private get<T>(k: string): T | undefined {
    const v = this.data.get(k);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }
  async putUpload(summary: UploadSummary, detail: UploadDetail) {
    this.data.set(`uploads/${summary.id}`, structuredClone(summary));
    this.data.set(`details/${detail.id}`, structuredClone(detail));
  }
  async getSummary(id: string) {
    return this.get<UploadSummary>(`uploads/${id}`);
  }
  async getDetail(id: string) {
    return this.get<UploadDetail>(`details/${id}`);
  }
  async putTensors(meta: TensorMeta) {
    this.data.set(`tensors/${meta.key}`, structuredClone(meta));
  }
  async getTensors(id: string, size: number) {
    return this.get<TensorMeta>(`tensors/${tensorKey(id, size)}`);
  }
  async putChunk(id: string, size: number, k: number, data: Uint8Array) {
    this.chunkWrites++;
    this.data.set(`chunks/${chunkKey(id, size, k)}`, data.slice());
  }
  async getChunk(id: string, size: number, k: number) {
    this.chunkReads++;
    return this.get<Uint8Array>(`chunks/${chunkKey(id, size, k)}`);
  }
  async list() {
    const all = (prefix: string) => [...this.data.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => structuredClone(v));
    return listing(all('uploads/') as UploadSummary[], all('tensors/') as TensorMeta[]);
  }
  async prune(staleMs: number) {
    const keys = [...this.data.keys()].filter((k) => k.startsWith('chunks/')).map((k) => k.slice('chunks/'.length));
    const tensors = [...this.data.entries()].filter(([k]) => k.startsWith('tensors/')).map(([, v]) => v as TensorMeta);
    const stale = staleTensorKeys(keys, tensors, Date.now(), staleMs);
    for (const tk of stale) {
      this.data.delete(`tensors/${tk}`);
      for (const k of [...this.data.keys()]) if (k.startsWith(`chunks/${tk}#`)) this.data.delete(k);
    }
    return stale.length;
  }
  async remove(id: string) {
    const [lo, hi] = idRange(id);
    for (const k of [...this.data.keys()]) {
      const [store, key] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
      if (((store === 'tensors' || store === 'chunks') && key >= lo && key <= hi) || key === id) this.data.delete(k);
    }
  }
}
