// Checkpoints: the parameter arena (canonical names, aliases in the metadata), Adam's m and v, and
// the step, config, tokenizer, hyper-parameters and seed — everything needed to resume the same
// curve or to load the model elsewhere (python/ reads the same file).
import type { ArenaLayout } from '../gpu/arena';
import type { ClipConfig } from '../model/config';
import { type StTensor, SafetensorsError, decodeSafetensors, encodeSafetensors } from './safetensors';
import type { TrainHyper } from './hyper';

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
}

export interface CheckpointState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

export function writeCheckpoint(layout: ArenaLayout, state: CheckpointState, meta: Omit<CheckpointMeta, 'format' | 'aliases'>): Uint8Array {
  const tensors = new Map<string, StTensor>();
  const aliases: Record<string, string> = {};
  for (const v of layout.views) {
    const slice = (a: Float32Array) => a.slice(v.offset, v.offset + v.size);
    tensors.set(v.name, { shape: [...v.shape], data: slice(state.params) });
    tensors.set(`optim.m.${v.name}`, { shape: [...v.shape], data: slice(state.m) });
    tensors.set(`optim.v.${v.name}`, { shape: [...v.shape], data: slice(state.v) });
    for (const n of v.names) if (n !== v.name) aliases[n] = v.name;
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
  return encodeSafetensors(tensors, md);
}

/** Parse a checkpoint into arena-ordered buffers for `layout` (which must match its config). */
export function readCheckpoint(bytes: Uint8Array, layout?: ArenaLayout): { meta: CheckpointMeta; state?: CheckpointState } {
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
  return { meta, state };
}
