// The exported encoders' input and output names, dtypes and shapes: one place shared by the graph
// builders, the sidecar and the loader, so a teacher loading our text encoder reads the same contract.
import type { ClipConfig } from '../model/config';
import type { ValueSpec } from './graph';

export const BATCH = 'batch';
export const IMAGE_INPUT = 'pixel_values';
export const IMAGE_OUTPUT = 'image_embeds';
export const TEXT_IDS = 'input_ids';
export const TEXT_MASK = 'attention_mask';
export const TEXT_OUTPUT = 'text_embeds';

export function imageIO(cfg: ClipConfig): { inputs: ValueSpec[]; outputs: ValueSpec[] } {
  const S = cfg.vision.imageSize;
  return {
    inputs: [{ name: IMAGE_INPUT, dtype: 'float32', shape: [BATCH, 3, S, S] }],
    outputs: [{ name: IMAGE_OUTPUT, dtype: 'float32', shape: [BATCH, cfg.embedDim] }],
  };
}

export function textIO(cfg: ClipConfig): { inputs: ValueSpec[]; outputs: ValueSpec[] } {
  const T = cfg.text.contextLength;
  return {
    inputs: [
      { name: TEXT_IDS, dtype: 'int64', shape: [BATCH, T] },
      { name: TEXT_MASK, dtype: 'int64', shape: [BATCH, T] },
    ],
    outputs: [{ name: TEXT_OUTPUT, dtype: 'float32', shape: [BATCH, cfg.embedDim] }],
  };
}

/** attention_mask rows from valid lengths: 1 for the first lengths[b] tokens (sot … eot), then 0. */
export function maskFromLengths(lengths: ArrayLike<number>, T: number): BigInt64Array {
  const m = new BigInt64Array(lengths.length * T);
  for (let b = 0; b < lengths.length; b++) for (let t = 0; t < Math.min(T, lengths[b]); t++) m[b * T + t] = 1n;
  return m;
}
