// Worker messages of teacher mode (added to src/worker/protocol.ts's unions).
import type { VisionConfig } from '../model/config';

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

/** A teacher run's pretrained vision tower as the worker read it (src/train/teacher-vision.ts). */
export interface TeacherVisionInfo {
  from: 'run' | 'file';
  /** The run's label or the file's name. */
  name: string;
  /** Content key of the tensors taken (TeacherVisionSource.key). */
  key: string;
  step: number;
  /** The checkpoint's vision settings and joint width: a teacher run from this tower uses them. */
  vision: VisionConfig;
  embedDim: number;
  /** Parameters taken (elements) and tensors (parameters + BatchNorm buffers). */
  params: number;
  tensors: number;
  /** A non-fatal problem, e.g. the tower could not be kept in browser storage. */
  note?: string;
}

/** Where a vision tower comes from: a finished run's stored checkpoint, or a file the user opened. */
export type TeacherVisionRequestSource = { kind: 'run'; runId: string; name: string } | { kind: 'file'; name: string; bytes: Uint8Array };

export type TeacherRequest =
  /** Parse / compute and cache a teacher table for the loaded dataset. */
  | { type: 'teacher-load'; id: number; files: { name: string; bytes: Uint8Array }[] }
  /** The dataset's captions in row order (JSONL), to make a table offline. */
  | { type: 'teacher-captions' }
  /** Read (and keep) the vision tower of a checkpoint for teacher runs that start from it. */
  | { type: 'teacher-vision'; id: number; source: TeacherVisionRequestSource };

export type TeacherReply =
  | { type: 'teacher-loaded'; id: number; ok: true; info: TeacherInfo }
  | { type: 'teacher-loaded'; id: number; ok: false; error: string }
  | { type: 'teacher-captions'; ok: true; jsonl: string; rows: number; images: number }
  | { type: 'teacher-captions'; ok: false; error: string }
  | { type: 'teacher-vision-loaded'; id: number; ok: true; info: TeacherVisionInfo }
  | { type: 'teacher-vision-loaded'; id: number; ok: false; error: string }
  /** After a teacher run: its GPU copy of the frozen table read back and compared with the loaded table. */
  | { type: 'teacher-frozen'; id: string; step: number; rows: number; dim: number; identical: boolean; maxAbsDiff: number; checked: boolean };
