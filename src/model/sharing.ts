// The sharing spec: which weights of the two towers are one storage. Resolved per layer into
// {attn, mlp, ln} flags; the parameter builder turns a shared flag into one arena view with two names.
import { type ClipConfig, type SharingSpec, firstVisionBlock } from './config';

export interface LayerSharing {
  attn: boolean;
  mlp: boolean;
  ln: boolean;
}

export class SharingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharingError';
  }
}

const all = (n: number, f: (l: number) => LayerSharing) => Array.from({ length: n }, (_, l) => f(l));
const none: LayerSharing = { attn: false, mlp: false, ln: false };

/** Per-layer sharing flags for a spec, before compatibility checks. */
export function sharingMatrix(spec: SharingSpec, depth: number): LayerSharing[] {
  const k = spec.k ?? 1;
  switch (spec.preset) {
    case 'separate':
      return all(depth, () => ({ ...none }));
    case 'shared-all':
      return all(depth, () => ({ attn: true, mlp: true, ln: true }));
    case 'shared-except-ln':
      return all(depth, () => ({ attn: true, mlp: true, ln: false }));
    case 'shared-attn':
      return all(depth, () => ({ attn: true, mlp: false, ln: false }));
    case 'shared-mlp':
      return all(depth, () => ({ attn: false, mlp: true, ln: false }));
    case 'separate-first-k':
      checkK(k, depth, spec.preset);
      return all(depth, (l) => (l < k ? { ...none } : { attn: true, mlp: true, ln: false }));
    case 'separate-last-k':
      checkK(k, depth, spec.preset);
      return all(depth, (l) => (l >= depth - k ? { ...none } : { attn: true, mlp: true, ln: false }));
    case 'ms-clip':
      // MS-CLIP's best: layer 0 modality-specific, the rest share attention + MLP, LayerNorms specific.
      return all(depth, (l) => (l === 0 ? { ...none } : { attn: true, mlp: true, ln: false }));
    case 'custom': {
      const m = spec.matrix;
      if (!m) throw new SharingError('custom sharing needs a matrix (one row per layer with attn, mlp, ln)');
      if (m.length !== depth) throw new SharingError(`custom sharing matrix has ${m.length} rows; the model has ${depth} layers`);
      return m.map((r) => ({ attn: !!r.attn, mlp: !!r.mlp, ln: !!r.ln }));
    }
    default:
      throw new SharingError(`unknown sharing preset "${(spec as SharingSpec).preset}"`);
  }
}

function checkK(k: number, depth: number, preset: string) {
  if (!Number.isInteger(k) || k < 0 || k > depth) {
    throw new SharingError(`${preset}: k must be an integer between 0 and the depth (${depth}); got ${k}`);
  }
}

/**
 * Resolve and validate: shared layers need the same width (and heads for attention, MLP width for the
 * MLP) in both towers, and the layer must exist in both. Errors name the layer and the reason.
 */
export function resolveSharing(cfg: ClipConfig): LayerSharing[] {
  const { vision: v, text: t } = cfg;
  const depth = Math.max(v.depth, t.depth);
  const m = sharingMatrix(cfg.sharing, depth);
  m.forEach((s, l) => {
    if (!s.attn && !s.mlp && !s.ln) return;
    const parts = (['attn', 'mlp', 'ln'] as const).filter((c) => s[c]).join(', ');
    if (l >= v.depth || l >= t.depth) {
      throw new SharingError(
        `layer ${l}: shares ${parts}, but the ${l >= v.depth ? 'vision' : 'text'} tower has only ${l >= v.depth ? v.depth : t.depth} layers`,
      );
    }
    if (l < firstVisionBlock(v)) {
      throw new SharingError(
        `layer ${l}: shares ${parts}, but vision layer ${l} is the conv stem (Early Specialization as released); leave it unshared or use the stem 'conv-plus-layer0' (ours)`,
      );
    }
    if (v.width !== t.width) {
      throw new SharingError(`layer ${l}: shares ${parts}, but widths differ (vision ${v.width}, text ${t.width}); shared weights need equal widths`);
    }
    if (s.attn && v.heads !== t.heads) {
      throw new SharingError(`layer ${l}: shares attention, but head counts differ (vision ${v.heads}, text ${t.heads})`);
    }
    if (s.mlp && v.mlpRatio !== t.mlpRatio) {
      throw new SharingError(`layer ${l}: shares the MLP, but MLP ratios differ (vision ${v.mlpRatio}, text ${t.mlpRatio})`);
    }
  });
  return m;
}

/** Whether the final LayerNorms are shared (default: only for shared-all). */
export function sharesFinalLn(cfg: ClipConfig): boolean {
  return cfg.sharing.finalLn ?? cfg.sharing.preset === 'shared-all';
}
