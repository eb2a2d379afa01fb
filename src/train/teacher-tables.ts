// Frozen teacher tables in memory, by content key: computed ONCE per (teacher file, dataset) and shared by
// every run that uses them (each Trainer uploads its own GPU copy). The worker fills this registry
// (src/worker/teacher.ts: from a parsed file, an ONNX encoder, or the IndexedDB cache); the Trainer reads it.
import type { TeacherConfig } from '../model/config';

export interface TeacherTable {
  key: string;
  rows: number;
  dim: number;
  /** (rows, dim) normalised rows (src/teacher/parse.ts normaliseRows): what the adapter sees. */
  data: Float32Array;
}

const tables = new Map<string, TeacherTable>();

export function registerTeacherTable(t: TeacherTable): void {
  if (t.data.length !== t.rows * t.dim) throw new Error(`teacher table ${t.key}: ${t.data.length} values for (${t.rows}, ${t.dim})`);
  tables.set(t.key, t);
}

export const hasTeacherTable = (key: string) => tables.has(key);
export const tableByKey = (key: string): TeacherTable | undefined => tables.get(key);

export function forgetTeacherTable(key: string): void {
  tables.delete(key);
}

/** The table a teacher config refers to; a clear error when it is not loaded. */
export function teacherTable(t: TeacherConfig): TeacherTable {
  const key = t.source?.key;
  if (!key) throw new Error('teacher config has no source: load the teacher file in the model panel first');
  const table = tables.get(key);
  if (!table) throw new Error(`the teacher's caption embeddings (${t.source?.file ?? key}) are not loaded: load the teacher file again in the model panel`);
  if (table.dim !== t.dim) throw new Error(`teacher table ${t.source?.file ?? key} has width ${table.dim}; the run expects ${t.dim}`);
  return table;
}
