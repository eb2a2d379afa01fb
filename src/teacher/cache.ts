// Teacher tables kept in IndexedDB (its own database; usable in workers) by content key, so a table is
// computed once per (teacher file, dataset) and survives reloads: a restored teacher run finds its table
// here. Failures (quota, private mode) are reported to the caller, never swallowed.
import type { VisionConfig } from '../model/config';
import { idbStore } from '../storage/idb';

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

const { tx } = idbStore(DB, STORE, 'key');

export const saveTable = (t: StoredTable) => tx('readwrite', (s) => s.put(t)).then(() => undefined);
export const loadTable = (key: string) => tx<StoredTable | undefined>('readonly', (s) => s.get(key));
export const deleteTable = (key: string) => tx('readwrite', (s) => s.delete(key)).then(() => undefined);

// Pretrained vision towers of teacher runs (src/train/teacher-vision.ts), by content key, in their own database:
// a queued or resumed teacher run finds its tower here after a reload.
export interface StoredTower {
  key: string;
  name: string;
  step: number;
  vision: VisionConfig;
  embedDim: number;
  params: [name: string, shape: number[], data: Float32Array][];
  buffers: [name: string, shape: number[], data: Float32Array][];
  savedAt: number;
}

const towers = idbStore('sharelab-teacher-vision', 'towers', 'key');

export const saveTower = (t: StoredTower) => towers.tx('readwrite', (s) => s.put(t)).then(() => undefined);
export const loadTower = (key: string) => towers.tx<StoredTower | undefined>('readonly', (s) => s.get(key));
