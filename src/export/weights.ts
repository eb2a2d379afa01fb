// Where an export reads a trained model's values: the parameter arena (from a checkpoint, or a flat
// snapshot in arena order) resolved through the sharing aliases to its canonical tensors, and the
// BatchNorm running statistics (model buffers, src/engine/buffers.ts) that inference-mode BN uses.
import type { BufferLayout } from '../engine/buffers';
import type { ArenaLayout } from '../gpu/arena';
import type { ClipConfig } from '../model/config';
import { buildLayout } from '../model/params';
import { buildBufferLayout } from '../model/stem';
import { type CheckpointMeta, readCheckpoint } from '../train/checkpoint';

export interface WeightTensor {
  /** Canonical (stored) name: the initializer name, the same in both towers' graphs when shared. */
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ExportWeights {
  cfg: ClipConfig;
  /** A parameter by any of its names (tower-qualified or canonical). */
  param(name: string): WeightTensor;
  /** A BatchNorm running statistic, e.g. "vision.stem.bn0.running_mean". */
  buffer(name: string): WeightTensor;
  /**
   * Where the BN running statistics came from: the trained model, or the initial values (mean 0,
   * variance 1) when none were available (checkpoints do not carry them yet); 'none' without BN.
   */
  bufferSource: 'model' | 'initial' | 'none';
}

export class ExportWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportWeightsError';
  }
}

/** Weights from a flat parameter snapshot in arena order (and, optionally, the flat model buffers). */
export function weightsFromFlat(cfg: ClipConfig, params: Float32Array, buffers?: Float32Array | null, layout: ArenaLayout = buildLayout(cfg)): ExportWeights {
  if (params.length < layout.totalElements) {
    throw new ExportWeightsError(`parameter snapshot has ${params.length} values; the config needs ${layout.totalElements}`);
  }
  const bl: BufferLayout = buildBufferLayout(cfg);
  if (buffers && buffers.length < bl.totalElements) {
    throw new ExportWeightsError(`model buffer snapshot has ${buffers.length} values; the config needs ${bl.totalElements}`);
  }
  const initial = bl.initialValues();
  const bufs = buffers ?? initial;
  return {
    cfg,
    param(name) {
      if (!layout.has(name)) throw new ExportWeightsError(`the model has no parameter "${name}"`);
      const v = layout.get(name);
      return { name: v.name, shape: [...v.shape], data: params.subarray(v.offset, v.offset + v.size) };
    },
    buffer(name) {
      const v = bl.get(name);
      return { name, shape: [v.size], data: bufs.subarray(v.offset, v.offset + v.size) };
    },
    bufferSource: bl.views.length === 0 ? 'none' : buffers ? 'model' : 'initial',
  };
}

/**
 * Weights from a ShareLab checkpoint (safetensors, src/train/checkpoint.ts). Its config builds the
 * layout; BN running statistics come from `buffers` (read from the live model, buildBufferLayout
 * order) when given, else from the checkpoint's `buffers.*` tensors (initial values if it has none).
 */
export function weightsFromCheckpoint(bytes: Uint8Array, buffers?: Float32Array | null): { weights: ExportWeights; meta: CheckpointMeta } {
  const head = readCheckpoint(bytes);
  const cfg = head.meta.config;
  if (!cfg || typeof cfg !== 'object' || !cfg.vision || !cfg.text) throw new ExportWeightsError('checkpoint has no model config');
  const layout = buildLayout(cfg);
  const bl = buildBufferLayout(cfg);
  const { meta, state } = readCheckpoint(bytes, layout, bl);
  if (!state) throw new ExportWeightsError('checkpoint has no parameters');
  const stored = state.buffers?.values;
  const init = bl.initialValues();
  const fromFile = stored?.some((v, i) => v !== init[i]) ? stored : null;
  return { weights: weightsFromFlat(cfg, state.params, buffers ?? fromFile, layout), meta };
}
