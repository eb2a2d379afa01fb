// Model-size presets (sizes/sizes.json: micro / tiny / small / base, overrides of DEFAULT_CONFIG) with their
// parameter counts, and the training cost of a step in FLOPs: what the pre-training estimate (src/train/estimate.ts)
// scales a measured step time by when a model of the queue has not been measured itself.
import { type ClipConfig, DEFAULT_CONFIG, type DeepPartial, numPatches, withDefaults } from './config';
import { buildLayout, paramCounts } from './params';
import SIZES from './sizes/sizes.json';

export const SIZE_NAMES = ['micro', 'tiny', 'small', 'base'] as const;
export type SizeName = (typeof SIZE_NAMES)[number];

/** The size overrides of a preset (towers, embedding), to merge into an experiment's model. */
export function sizeOverrides(name: SizeName): DeepPartial<ClipConfig> {
  return structuredClone((SIZES as Record<string, DeepPartial<ClipConfig>>)[name]);
}

type TowerSize = { width: number; depth: number; heads: number; mlpRatio: number };
const towerSize = (t: TowerSize): TowerSize => ({ width: t.width, depth: t.depth, heads: t.heads, mlpRatio: t.mlpRatio });
const sameTower = (a: TowerSize, b: TowerSize) => a.width === b.width && a.depth === b.depth && a.heads === b.heads && a.mlpRatio === b.mlpRatio;

/**
 * `base` (an experiment's model, e.g. a sharing preset) resized: widths, depths, heads, MLP ratios, embedding.
 * Sizes are absolute: the towers are first reset to DEFAULT_CONFIG's (what 'tiny' = {} means), then overridden,
 * so resizing an already resized model gives the same result as resizing the default.
 */
export function withSize(name: SizeName, base: ClipConfig): ClipConfig {
  const d = DEFAULT_CONFIG;
  const reset: DeepPartial<ClipConfig> = { vision: towerSize(d.vision), text: towerSize(d.text), embedDim: d.embedDim };
  return withDefaults(sizeOverrides(name), withDefaults(reset, base));
}

/** The size preset whose towers and embedding `cfg` has, or null (a custom size). */
export function sizeOf(cfg: ClipConfig): SizeName | null {
  const same = (c: ClipConfig) => sameTower(towerSize(c.vision), towerSize(cfg.vision)) && sameTower(towerSize(c.text), towerSize(cfg.text)) && c.embedDim === cfg.embedDim;
  return SIZE_NAMES.find((n) => same(withSize(n, cfg))) ?? null;
}

export interface SizeInfo {
  name: SizeName;
  config: ClipConfig;
  /** Parameters of the model at this size (shared ones once). */
  params: number;
}

/** Every size applied to `base`, with its parameter count (from the arena layout, so sharing is counted right). */
export function sizeTable(base: ClipConfig): SizeInfo[] {
  return SIZE_NAMES.map((name) => {
    const config = withSize(name, base);
    return { name, config, params: paramCounts(buildLayout(config)).total };
  });
}

/**
 * Multiply–adds ×2 of one training step (forward + backward ≈ 3 × forward) of the transformer towers for a
 * batch of B: per layer of width w, mlpRatio r over N tokens, 2·N·(4 + 2r)·w² for the projections and MLP plus
 * 4·N²·w for attention scores and their weighted sum; the patch embedding and the projections to the joint space
 * on top. The conv stem and the parallel branch are not counted (an estimate for scaling measured step times).
 */
export function trainFlopsPerStep(cfg: ClipConfig, B: number): number {
  const layer = (N: number, w: number, r: number) => 2 * N * (4 + 2 * r) * w * w + 4 * N * N * w;
  const v = cfg.vision;
  const t = cfg.text;
  const Nv = numPatches(v) + (v.pool === 'mean' ? 0 : 1);
  const patchEmbed = 2 * numPatches(v) * 3 * v.patchSize * v.patchSize * v.width;
  const forward = v.depth * layer(Nv, v.width, v.mlpRatio) + patchEmbed + t.depth * layer(t.contextLength, t.width, t.mlpRatio) + 2 * cfg.embedDim * (v.width + t.width);
  return 3 * B * forward;
}
