// Worker messages of teacher mode (added to src/worker/protocol.ts's unions).

/** A loaded teacher: what the UI shows and what a teacher run's config.teacher.source records. */
export interface TeacherInfo {
  /** The teacher file (the .onnx text encoder, or the .npy / .json table). */
  file: string;
  kind: 'onnx' | 'npy' | 'json';
  /** Cache key: SHA-256 over the teacher file(s) and the dataset's captions. */
  key: string;
  /** SHA-256 of the dataset's captions in row order (src/data/caption-order.ts). */
  captions: string;
  rows: number;
  dim: number;
  /** ONNX teachers: the execution provider asked for and the one that ran (from ORT's placement log). */
  requestedEp?: string;
  ep?: string | null;
  /** Time to compute (or fetch) the table. */
  ms: number;
  /** 'memory' / 'storage': the table was already computed for this teacher and dataset. */
  cached: 'no' | 'memory' | 'storage';
  /** A non-fatal problem, e.g. the table could not be kept in browser storage. */
  note?: string;
}

export type TeacherRequest =
  /** Parse / compute and cache a teacher table for the loaded dataset. */
  | { type: 'teacher-load'; id: number; files: { name: string; bytes: Uint8Array }[] }
  /** The dataset's captions in row order (JSONL), to make a table offline. */
  | { type: 'teacher-captions' };

export type TeacherReply =
  | { type: 'teacher-loaded'; id: number; ok: true; info: TeacherInfo }
  | { type: 'teacher-loaded'; id: number; ok: false; error: string }
  | { type: 'teacher-captions'; ok: true; jsonl: string; rows: number; images: number }
  | { type: 'teacher-captions'; ok: false; error: string }
  /** After a teacher run: its GPU copy of the frozen table read back and compared with the loaded table. */
  | { type: 'teacher-frozen'; id: string; step: number; rows: number; dim: number; identical: boolean; maxAbsDiff: number; checked: boolean };
