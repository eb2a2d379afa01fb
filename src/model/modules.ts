// Parameter counts per module (issue 16.4), so a reader of the UI, the results JSON (`params.byModule`) or a
// report can see what a run contained — e.g. that an `ms-clip` run has a parallel branch and two fusions.
// Counted from the arena itself: a view is counted once under its canonical name (shared weights live under
// `shared.*`, so they are one module and never double-counted in a tower).
import type { ArenaLayout, ParamView } from '../gpu/arena';

export const MODULES = ['stem', 'branch', 'fusion', 'shared', 'visionTower', 'textTower', 'projections', 'adapter', 'loss'] as const;
export type ModuleName = (typeof MODULES)[number];

/** What each module holds (UI help, report footnotes). */
export const MODULE_HELP: Record<ModuleName, string> = {
  stem: 'vision input stem: the linear patch embedding, or MS-CLIP’s conv stem (Early Specialization)',
  branch: 'MS-CLIP’s Efficient Parallel Branch (the CNN on the raw image)',
  fusion: 'the parallel branch’s fusion layers (depthwise convs, BN, 1×1 projection, LayerNorm)',
  shared: 'weights both towers read (shared blocks, a shared final LayerNorm), counted once',
  visionTower: 'vision-only: CLS, positions, ln_pre, unshared blocks, final LayerNorm',
  textTower: 'text-only: token and position embeddings, unshared blocks, final LayerNorm',
  projections: 'the projections into the joint space (vision.proj, text.proj)',
  adapter: 'LLM2CLIP teacher mode: the adapter from the frozen features into the joint space',
  loss: 'logit scale (and SigLIP’s bias)',
};

/** The module of one arena view, from its canonical name. */
export function moduleOf(view: Pick<ParamView, 'name'>): ModuleName {
  const n = view.name;
  if (n.startsWith('vision.stem.') || n.startsWith('vision.patch.')) return 'stem';
  if (n.startsWith('vision.branch.')) return 'branch';
  if (/^vision\.fuse\d+\./.test(n)) return 'fusion';
  if (n.startsWith('shared.')) return 'shared';
  if (n === 'vision.proj' || n === 'text.proj') return 'projections';
  if (n.startsWith('text.adapter.')) return 'adapter';
  if (n.startsWith('logit_')) return 'loss';
  if (n.startsWith('vision.')) return 'visionTower';
  if (n.startsWith('text.')) return 'textTower';
  throw new Error(`parameter "${n}" belongs to no module`);
}

/** Real parameters (no alignment padding) per module; every module present, 0 where absent. Sums to paramCount. */
export function paramsByModule(layout: ArenaLayout): Record<ModuleName, number> {
  const out = Object.fromEntries(MODULES.map((m) => [m, 0])) as Record<ModuleName, number>;
  for (const v of layout.views) out[moduleOf(v)] += v.size;
  return out;
}
