// An ONNX text encoder as a frozen teacher: the .onnx (+ its JSON sidecar: tokenizer, input names and
// shapes, embedding width — ShareLab's export format, src/export/sidecar.ts) is validated by the export's
// loader, every dataset caption is tokenised with the sidecar's tokenizer and embedded ONCE with
// onnxruntime-web on ONE execution provider (wasm by default; which EP ran is read from ORT's placement
// log, src/export/session.ts). The ORT module is passed in (worker: onnxruntime-web; Node tests: its
// Node build).
import { BpeTokenizer } from '../data/tokenizer';
import { type LoadedPair, type NamedBytes, loadExport } from '../export/load';
import { type Ep, type Ort, type OrtSession, createSession, embedTextsOrt } from '../export/session';
import type { OnnxSidecar } from '../export/sidecar';

export interface OnnxTeacher {
  sidecar: OnnxSidecar;
  /** The text encoder's bytes and file name. */
  bytes: Uint8Array;
  file: string;
  tokenizer: BpeTokenizer;
}

/** Sort and validate the user's files (.onnx text encoder + sidecar, or an export .zip); the image encoder may be absent. */
export async function loadOnnxTeacher(files: NamedBytes[]): Promise<OnnxTeacher> {
  const pair: LoadedPair = await loadExport(files, ['text']);
  const text = pair.text;
  if (!text) throw new Error('no text encoder among the files');
  const file = files.find((f) => f.bytes === text.bytes)?.name ?? pair.sidecar.text.file;
  return { sidecar: pair.sidecar, bytes: text.bytes, file, tokenizer: BpeTokenizer.fromJSON(pair.sidecar.text.tokenizer) };
}

export interface OnnxTable {
  /** (captions.length, dim) as the encoder outputs them (ours: already L2-normalised). */
  data: Float32Array;
  rows: number;
  dim: number;
  /** The EP that ran the graph (null: ORT's placement log was not seen), and the one asked for. */
  ran: string | null;
  requested: Ep;
  ms: number;
}

/** A session on `ep` for the teacher (kept by the caller to embed typed queries later). */
export const teacherSession = (ort: Ort, t: OnnxTeacher, ep: Ep = 'wasm'): Promise<OrtSession> => createSession(ort, t.bytes, ep);

/** Embed texts with the teacher (tokenised by its own tokenizer at its own context length). */
export async function embedWithTeacher(ort: Ort, t: OnnxTeacher, s: OrtSession, texts: readonly string[]): Promise<Float32Array> {
  const T = t.sidecar.text.contextLength;
  const e = t.tokenizer.encodeBatch(texts, T);
  return embedTextsOrt(ort, s, e.ids, e.lengths, texts.length, T);
}

/** Every caption (in the dataset's caption order) through the teacher, once. */
export async function onnxTeacherTable(ort: Ort, t: OnnxTeacher, s: OrtSession, captions: readonly string[]): Promise<OnnxTable> {
  const t0 = performance.now();
  const data = await embedWithTeacher(ort, t, s, captions);
  const dim = t.sidecar.embedDim;
  if (data.length !== captions.length * dim) {
    throw new Error(`${t.file}: the encoder returned ${data.length} values for ${captions.length} captions × ${dim}`);
  }
  return { data, rows: captions.length, dim, ran: s.ran, requested: s.requested, ms: performance.now() - t0 };
}
