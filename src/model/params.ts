// Parameter layout of a CLIP config: every weight of both towers as a named arena view; shared
// weights are one canonical view ("shared.blocks.3.attn.qkv.w") aliased by both towers' names.
import { ArenaLayout, type InitKind, type ParamView } from '../gpu/arena';
import { type ClipConfig, firstVisionBlock, numPatches } from './config';
import { resolveSharing, sharesFinalLn } from './sharing';
import { addBranchParams, usesParallelBranch } from './branch';
import { addStemParams, usesConvStem } from './stem';
import { type ModuleName, paramsByModule } from './modules';
import { addAdapterParams, teacherProblem } from './teacher';

export type Tower = 'vision' | 'text';

const normal = (std: number): InitKind => ({ kind: 'normal', std });
const constant = (value: number): InitKind => ({ kind: 'const', value });

export const LOGIT_SCALE_INIT = { infonce: Math.log(1 / 0.07), siglip: Math.log(10) };
export const LOGIT_BIAS_INIT = -10;

/** Names of one block's parameters, grouped by sharable component. */
export function blockParamNames(prefix: string) {
  return {
    ln: [`${prefix}.ln1.g`, `${prefix}.ln1.b`, `${prefix}.ln2.g`, `${prefix}.ln2.b`],
    attn: [`${prefix}.attn.qkv.w`, `${prefix}.attn.qkv.b`, `${prefix}.attn.out.w`, `${prefix}.attn.out.b`],
    mlp: [`${prefix}.mlp.fc.w`, `${prefix}.mlp.fc.b`, `${prefix}.mlp.proj.w`, `${prefix}.mlp.proj.b`],
  };
}

export function buildLayout(cfg: ClipConfig): ArenaLayout {
  const L = new ArenaLayout();
  // Teacher mode: no text tower (a frozen table + adapter, ./teacher.ts), so nothing to share.
  const problem = teacherProblem(cfg);
  if (problem) throw new Error(problem);
  const teacher = !!cfg.teacher;
  const sharing = resolveSharing(cfg);
  const { vision: v, text: t } = cfg;

  // Teacher runs: the vision tower (every vision.* view) is its own optimiser group, lr × lrMultVision (LLM2CLIP).
  const add = (name: string, shape: number[], init: InitKind, decay: boolean) =>
    L.add(name, { shape, init, decay, ...(teacher && name.startsWith('vision.') ? { visionTower: true } : {}) });

  // --- vision input: patch linear (no bias, as CLIP's conv1) or MS-CLIP's conv stem, CLS, positions, ln_pre
  const P = numPatches(v);
  const pdim = 3 * v.patchSize * v.patchSize;
  if (usesConvStem(v)) addStemParams(v, add);
  else add('vision.patch.w', [v.width, pdim], normal(pdim ** -0.5), true);
  add('vision.cls', [v.width], normal(v.width ** -0.5), false);
  add('vision.pos', [P + 1, v.width], normal(0.01), false);
  add('vision.ln_pre.g', [v.width], constant(1), false);
  add('vision.ln_pre.b', [v.width], constant(0), false);
  // --- text input: token + position embeddings
  if (!teacher) {
    add('text.tok', [t.vocabSize, t.width], normal(0.02), false);
    add('text.pos', [t.contextLength, t.width], normal(0.01), false);
  }

  // --- blocks
  const blockShapes = (C: number, ratio: number, depth: number) => {
    const M = C * ratio;
    const projStd = C ** -0.5 * (2 * depth) ** -0.5;
    return {
      'ln1.g': [[C], constant(1), false],
      'ln1.b': [[C], constant(0), false],
      'ln2.g': [[C], constant(1), false],
      'ln2.b': [[C], constant(0), false],
      'attn.qkv.w': [[3 * C, C], normal(C ** -0.5), true],
      'attn.qkv.b': [[3 * C], constant(0), false],
      'attn.out.w': [[C, C], normal(projStd), true],
      'attn.out.b': [[C], constant(0), false],
      'mlp.fc.w': [[M, C], normal((2 * C) ** -0.5), true],
      'mlp.fc.b': [[M], constant(0), false],
      'mlp.proj.w': [[C, M], normal(projStd), true],
      'mlp.proj.b': [[C], constant(0), false],
    } as Record<string, [number[], InitKind, boolean]>;
  };
  const depth = teacher ? v.depth : Math.max(v.depth, t.depth);
  for (let l = 0; l < depth; l++) {
    const s = sharing[l];
    for (const tower of teacher ? (['vision'] as const) : (['vision', 'text'] as const)) {
      const tc = tower === 'vision' ? v : t;
      // MS-CLIP's released Early Specialization: vision layer 0 is the conv stem, no transformer block 0.
      if (l >= tc.depth || (tower === 'vision' && l < firstVisionBlock(v))) continue;
      const shapes = blockShapes(tc.width, tc.mlpRatio, tc.depth);
      for (const [suffix, [shape, init, decay]] of Object.entries(shapes)) {
        const comp = suffix.startsWith('ln') ? 'ln' : suffix.startsWith('attn') ? 'attn' : 'mlp';
        const name = `${tower}.blocks.${l}.${suffix}`;
        if (s?.[comp]) {
          const canon = `shared.blocks.${l}.${suffix}`;
          if (!L.has(canon)) add(canon, shape, init, decay);
          L.alias(name, canon);
        } else add(name, shape, init, decay);
      }
    }
  }

  // --- MS-CLIP's Efficient Parallel Branch (vision CNN + fusion layers)
  if (usesParallelBranch(cfg)) addBranchParams(cfg, add);

  // --- heads: final LN (optionally shared), projections into the joint space, loss parameters
  if (sharesFinalLn(cfg)) {
    add('shared.ln_final.g', [v.width], constant(1), false);
    add('shared.ln_final.b', [v.width], constant(0), false);
    for (const tower of ['vision', 'text']) {
      L.alias(`${tower}.ln_final.g`, 'shared.ln_final.g');
      L.alias(`${tower}.ln_final.b`, 'shared.ln_final.b');
    }
  } else {
    add('vision.ln_final.g', [v.width], constant(1), false);
    add('vision.ln_final.b', [v.width], constant(0), false);
    if (!teacher) {
      add('text.ln_final.g', [t.width], constant(1), false);
      add('text.ln_final.b', [t.width], constant(0), false);
    }
  }
  add('vision.proj', [cfg.embedDim, v.width], normal(v.width ** -0.5), true);
  if (teacher) addAdapterParams(cfg, add);
  else add('text.proj', [cfg.embedDim, t.width], normal(t.width ** -0.5), true);
  add('logit_scale', [1], constant(LOGIT_SCALE_INIT[cfg.loss]), false);
  if (cfg.loss === 'siglip') add('logit_bias', [1], constant(LOGIT_BIAS_INIT), false);
  return L;
}

/** Upper bound of the InfoNCE logit scale t (s = exp(t) ≤ 100, CLIP). */
export const LOGIT_SCALE_MAX = Math.log(100);

/**
 * open_clip's clamp of the InfoNCE logit scale after every optimizer step: t ∈ [0, ln 100]. The loss still reads
 * exp(min(t, ln 100)), but t never sits above the cap, so the gradient reaches t again (before, one overshoot
 * stopped it for good). SigLIP: none (its loss has no cap, as released).
 */
export function logitScaleClamp(cfg: ClipConfig, layout: ArenaLayout): { index: number; min: number; max: number } | undefined {
  return cfg.loss === 'infonce' ? { index: layout.get('logit_scale').offset, min: 0, max: LOGIT_SCALE_MAX } : undefined;
}

export interface ParamCounts {
  total: number;
  shared: number;
  visionOnly: number;
  textOnly: number;
  /** Loss parameters (logit scale / bias), counted in total only. */
  other: number;
  /** Per module (stem, branch, fusion, shared, each tower, projections, adapter, loss): ./modules.ts. Absent in older results files. */
  byModule?: Record<ModuleName, number>;
}

/** Which towers read a view, from its names. */
export function towersOf(view: ParamView): Set<Tower> {
  const s = new Set<Tower>();
  for (const n of view.names) {
    if (n.startsWith('vision.')) s.add('vision');
    if (n.startsWith('text.')) s.add('text');
  }
  return s;
}

/** Counts from the arena itself (real storage, aliases counted once). */
export function paramCounts(layout: ArenaLayout): ParamCounts {
  const c: ParamCounts = { total: 0, shared: 0, visionOnly: 0, textOnly: 0, other: 0, byModule: paramsByModule(layout) };
  for (const view of layout.views) {
    const t = towersOf(view);
    c.total += view.size;
    if (t.size === 2) c.shared += view.size;
    else if (t.has('vision')) c.visionOnly += view.size;
    else if (t.has('text')) c.textOnly += view.size;
    else c.other += view.size;
  }
  return c;
}
