// Checkpoints: the parameter arena (canonical names, aliases in the metadata), Adam's m and v, and
// the step, config, tokenizer, hyper-parameters and seed — everything needed to resume the same
// curve or to load the model elsewhere (python/ reads the same file).
import type { BufferLayout } from '../engine/buffers';
import type { ArenaLayout } from '../gpu/arena';
import type { ClipConfig } from '../model/config';
import { type StTensor, SafetensorsError, decodeSafetensors, encodeSafetensors } from './safetensors';
import type { TrainHyper } from './hyper';
import { tableJson } from '../kernels/tuner';

export const CHECKPOINT_FORMAT = 'sharelab-clip/1';

export interface CheckpointMeta {
  format: string;
  config: ClipConfig;
  tokenizer: unknown;
  step: number;
  seed: number;
  hyper: TrainHyper;
  /** tower-qualified name → canonical (stored) name, for every alias. */
  aliases: Record<string, string>;
  /**
   * The metric history up to `step`, so a resumed or re-opened run shows its whole curve:
   * rows [step, loss, gradNorm, logitScale, lr, skipped 0/1]. Optional (absent in files from elsewhere).
   */
  history?: HistoryRow[];
  /**
   * The kernel table the run trained with (tuner.ts tableJson: adapter key, and per family × shape the
   * variant chosen), so the result can be reproduced. Optional: absent when no table was active.
   */
  kernels?: object | null;
}

export type HistoryRow = [number, number, number, number, number, number];

export interface CheckpointState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Non-trained model state (BatchNorm running stats), stored as `buffers.<name>`. */
  buffers?: { layout: BufferLayout; values: Float32Array };
}

/** Tensor-name prefix of non-trained buffers (BatchNorm running mean/var). */
export const BUFFER_PREFIX = 'buffers.';

export function writeCheckpoint(layout: ArenaLayout, state: CheckpointState, meta: Omit<CheckpointMeta, 'format' | 'aliases'>): Uint8Array {
  // JSON has no NaN/Inf: a non-finite value (a skipped step's loss) is stored as null and read back as NaN.
  const tensors = new Map<string, StTensor>();
  const aliases: Record<string, string> = {};
  for (const v of layout.views) {
    const slice = (a: Float32Array) => a.slice(v.offset, v.offset + v.size);
    tensors.set(v.name, { shape: [...v.shape], data: slice(state.params) });
    tensors.set(`optim.m.${v.name}`, { shape: [...v.shape], data: slice(state.m) });
    tensors.set(`optim.v.${v.name}`, { shape: [...v.shape], data: slice(state.v) });
    for (const n of v.names) if (n !== v.name) aliases[n] = v.name;
  }
  if (state.buffers) {
    const { layout: bl, values } = state.buffers;
    for (const b of bl.views) tensors.set(BUFFER_PREFIX + b.name, { shape: [b.size], data: values.slice(b.offset, b.offset + b.size) });
  }
  const md: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(meta.config),
    tokenizer: JSON.stringify(meta.tokenizer),
    step: String(meta.step),
    seed: String(meta.seed),
    hyper: JSON.stringify(meta.hyper),
    aliases: JSON.stringify(aliases),
  };
  if (meta.history) md.history = JSON.stringify(meta.history);
  // Default: the table active in this context (the worker applies the run's table after its first step).
  const kernels = meta.kernels === undefined ? tableJson() : meta.kernels;
  if (kernels) md.kernels = JSON.stringify(kernels);
  return encodeSafetensors(tensors, md);
}

/**
 * Parse a checkpoint into arena-ordered buffers for `layout` (which must match its config). With
 * `bufLayout`, the BatchNorm running stats are read too; a checkpoint without them (older, or from
 * elsewhere) keeps the initial values (mean 0, variance 1) for what it lacks.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  layout?: ArenaLayout,
  bufLayout?: BufferLayout,
): { meta: CheckpointMeta; state?: CheckpointState } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) throw new SafetensorsError(`not a ShareLab checkpoint (format "${metadata.format ?? 'missing'}")`);
  const parse = (k: string) => {
    try {
      return JSON.parse(metadata[k] ?? 'null');
    } catch {
      throw new SafetensorsError(`metadata "${k}" is not valid JSON`);
    }
  };
  const meta: CheckpointMeta = {
    format: metadata.format,
    config: parse('config'),
    tokenizer: parse('tokenizer'),
    step: Number(metadata.step),
    seed: Number(metadata.seed),
    hyper: parse('hyper'),
    aliases: parse('aliases') ?? {},
  };
  const kernels = parse('kernels');
  if (kernels !== null) meta.kernels = kernels;
  const history = parse('history');
  if (history !== null) {
    if (!Array.isArray(history) || history.some((r) => !Array.isArray(r) || r.length !== 6)) throw new SafetensorsError('metadata "history" must be rows of 6 numbers');
    meta.history = history.map((r: unknown[]) => r.map((x) => (typeof x === 'number' ? x : Number.NaN)) as HistoryRow);
  }
  if (!Number.isInteger(meta.step) || meta.step < 0) throw new SafetensorsError(`bad step "${metadata.step}"`);
  if (!layout) return { meta };
  const n = layout.totalElements;
  const state = { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
  for (const v of layout.views) {
    for (const [prefix, dst] of [['', state.params], ['optim.m.', state.m], ['optim.v.', state.v]] as const) {
      const t = tensors.get(prefix + v.name);
      if (!t) {
        if (prefix) continue; // optimizer state is optional (e.g. a checkpoint from elsewhere)
        throw new SafetensorsError(`missing tensor "${v.name}"`);
      }
      if (t.data.length !== v.size || t.shape.join(',') !== v.shape.join(',')) {
        throw new SafetensorsError(`tensor "${v.name}" has shape [${t.shape}]; the config needs [${v.shape}]`);
      }
      dst.set(t.data as Float32Array, v.offset);
    }
  }
  if (bufLayout && bufLayout.totalElements > 0) {
    const values = bufLayout.initialValues();
    for (const b of bufLayout.views) {
      const t = tensors.get(BUFFER_PREFIX + b.name);
      if (!t) continue;
      if (t.data.length !== b.size) throw new SafetensorsError(`buffer "${b.name}" has ${t.data.length} values; the config needs ${b.size}`);
      values.set(t.data as Float32Array, b.offset);
    }
    return { meta, state: { ...state, buffers: { layout: bufLayout, values } } };
  }
  return { meta, state };
}
