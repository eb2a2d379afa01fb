// One export: both encoder graphs of a trained model plus their sidecar (no parity yet; that needs a
// runtime and is added by ./parity.ts). Pure: runs in the worker, the page or Node.
import type { BpeJSON } from '../data/tokenizer';
import { EOT_ID, PAD_ID, SOT_ID } from '../data/tokenizer';
import { OPSET } from './graph';
import { buildImageEncoder } from './image-encoder';
import { LENGTH_RULE, type OnnxSidecar, SIDECAR_FORMAT, sha256Hex } from './sidecar';
import { buildTextEncoder } from './text-encoder';
import type { ExportWeights } from './weights';

export interface ExportBundle {
  image: Uint8Array;
  text: Uint8Array;
  sidecar: OnnxSidecar;
  /** File names: `${base}.image.onnx`, `${base}.text.onnx`, `${base}.onnx.json`. */
  names: { image: string; text: string; sidecar: string };
}

export interface ExportInfo {
  /** File name stem, e.g. "run-0-shared-all-seed0". */
  base: string;
  tokenizer: BpeJSON;
  normalization: { mean: readonly [number, number, number]; std: readonly [number, number, number] };
  run?: OnnxSidecar['run'];
}

/** A file-name-safe stem. */
export const fileStem = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';

export async function exportEncoders(w: ExportWeights, info: ExportInfo): Promise<ExportBundle> {
  const cfg = w.cfg;
  const base = fileStem(info.base);
  const names = { image: `${base}.image.onnx`, text: `${base}.text.onnx`, sidecar: `${base}.onnx.json` };
  const props = { 'sharelab.format': SIDECAR_FORMAT, 'sharelab.sidecar': names.sidecar };
  const img = buildImageEncoder(w, { props });
  const txt = buildTextEncoder(w, { props });
  const [shaI, shaT] = await Promise.all([sha256Hex(img.bytes), sha256Hex(txt.bytes)]);
  const sidecar: OnnxSidecar = {
    format: SIDECAR_FORMAT,
    producer: 'ShareLab',
    createdAt: new Date().toISOString(),
    opset: OPSET,
    run: info.run,
    config: cfg,
    embedDim: cfg.embedDim,
    image: {
      file: names.image,
      bytes: img.bytes.length,
      sha256: shaI,
      inputs: img.inputs,
      outputs: img.outputs,
      imageSize: cfg.vision.imageSize,
      layout: 'NCHW',
      channels: 'RGB',
      normalization: { mean: [...info.normalization.mean] as [number, number, number], std: [...info.normalization.std] as [number, number, number] },
      pool: cfg.vision.pool,
    },
    text: {
      file: names.text,
      bytes: txt.bytes.length,
      sha256: shaT,
      inputs: txt.inputs,
      outputs: txt.outputs,
      contextLength: cfg.text.contextLength,
      causal: cfg.text.causal,
      tokenizer: info.tokenizer,
      specialTokens: { pad: PAD_ID, sot: SOT_ID, eot: EOT_ID },
      lengthRule: LENGTH_RULE,
    },
    batchNorm: w.bufferSource,
  };
  return { image: img.bytes, text: txt.bytes, sidecar, names };
}
