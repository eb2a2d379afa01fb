// A rough GPU-memory estimate for a training or inference run, shown before a large model (e.g. a
// checkpoint trained on a cluster) is loaded. Rough on purpose: parameters are exact (4 arena buffers:
// params, grads, Adam m and v), activations are counted per token and layer from the block's
// buffers — LayerNorm in/out, qkv, attention output, projection, MLP hidden (pre and post GELU),
// residuals — kept for backward and matched by as many gradient buffers. Attention is tiled and never
// stores a T×T matrix, so there is no T² term.
import { type ClipConfig, numPatches } from './config';
import { buildLayout } from './params';

export interface MemoryEstimate {
  paramBytes: number;
  activationBytes: number;
  total: number;
}

export function estimateGpuBytes(cfg: ClipConfig, batchSize: number): MemoryEstimate {
  const n = buildLayout(cfg).totalElements;
  const paramBytes = 4 * n * 4;
  const perToken = (C: number, mlp: number) => (9 + 2 * mlp) * C;
  const Tv = numPatches(cfg.vision) + 1;
  const Tt = cfg.text.contextLength;
  const acts = batchSize * (Tv * cfg.vision.depth * perToken(cfg.vision.width, cfg.vision.mlpRatio) + Tt * cfg.text.depth * perToken(cfg.text.width, cfg.text.mlpRatio));
  const activationBytes = 2 * 4 * acts; // values + their gradients
  return { paramBytes, activationBytes, total: paramBytes + activationBytes };
}

export const formatBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);
