// Worker messages of the ONNX export (added to src/worker/protocol.ts's unions).
import type { ExportBundle } from './bundle';
import type { ParityBatch } from './parity';

/** UI → worker: export a finished run's encoders and embed `batch` validation pairs with the WGSL forward. */
export interface OnnxExportRequest {
  type: 'export-onnx';
  id: string;
  batch: number;
}

/** Worker → UI: the graphs + sidecar, and the parity batch with the app's own embeddings of it. */
export type OnnxExportReply =
  | { type: 'onnx-export'; id: string; ok: true; bundle: ExportBundle; parity: ParityBatch }
  | { type: 'onnx-export'; id: string; ok: false; error: string };
