// MS-CLIP's Efficient Parallel Branch (You et al. 2022), vision only (vision.parallelBranch = true).
// A small CNN on the raw image (B, 3, S, S):
//   stage 0: 3×3 stride-2 conv (3 → c0) + BN + ReLU                                     → S/2
//   stage j ≥ 1: bottleneck relu(BN(1×1 ← relu(BN(3×3 s2 ← relu(BN(1×1 x))))) + BN(1×1 s2 x))  → S/2^(j+1)
// channels c0 = w/16 (≥ 1), doubling per stage (≤ w), bottleneck width cout/4 (≥ 1).
// Fusion j, before vision layer fusions[j].layer, with stage j's map (B, Cm, Hm, Hm), Hm = G·k, G = S/patch:
//   tokens' = LN( [CLS ; BN(dw3×3(patch tokens as (B, w, G, G))) + proj1×1(BN(dw k×k stride k (map)))] )
// (CLS passes through the sum; the token path has no identity: it replaces the patch tokens).
// Where: the paper fuses before shared layers 2, 4, 6, 8, 10 of 1..11 shared, i.e. before the 2nd, 4th, … shared
// vision layer (attention or MLP shared); we do the same, one stage each, as many as both the depth and the patch
// (stage maps must not be coarser than the patch grid: at most log2(patch) stages) allow. Ours, for shallow
// models: when that rule gives fewer than two fusions (e.g. depth 4: shared 1..3 → only layer 2) we fuse before
// the 1st, 3rd, … shared layer instead (depth 4 → layers 1 and 3). A branch that would fuse nowhere (no shared
// vision layer) is refused by branchProblem (src/model/validate.ts), never built without its fusions.
// map_proj carries no bias (as released: BN precedes it).
// BatchNorm running statistics are model buffers (src/engine/buffers.ts); BN uses batch stats while training.
import { add, batchNorm2d, conv2d, layerNorm, mapToTokens, relu, tokensToMap } from '../engine/ops';
import type { Tape, Var } from '../engine/tape';
import type { InitKind } from '../gpu/arena';
import { type Tensor, reshape } from '../gpu/tensor';
import { type ClipConfig, numPatches } from './config';
import { resolveSharing } from './sharing';

export interface BranchStage {
  prefix: string;
  cin: number;
  mid: number;
  cout: number;
  /** Output side length. */
  size: number;
}

export interface BranchFusion {
  prefix: string;
  layer: number;
  stage: number;
  /** Map channels (= the stage's cout). */
  Cm: number;
  /** Depthwise kernel = stride that takes the stage map down to the patch grid. */
  k: number;
}

export interface BranchPlan {
  stages: BranchStage[];
  fusions: BranchFusion[];
}

export const usesParallelBranch = (cfg: ClipConfig): boolean => cfg.vision.parallelBranch === true;

/** Why a requested parallel branch cannot be built (null when it can, or when none is requested). */
export function branchProblem(cfg: ClipConfig): string | null {
  if (!usesParallelBranch(cfg)) return null;
  const n = branchPlan(cfg).fusions.length;
  if (n > 0) return null;
  return `vision.parallelBranch: the branch would fuse nowhere at this depth / sharing (it fuses before shared vision layers; this model has ${
    resolveSharing(cfg).filter((s, l) => l < cfg.vision.depth && (s.attn || s.mlp)).length
  }) — share a layer, deepen the model, or turn the branch off`;
}

export function branchPlan(cfg: ClipConfig): BranchPlan {
  const v = cfg.vision;
  const p = v.patchSize;
  const maxStages = Math.log2(p);
  if (!Number.isInteger(maxStages) || p < 2) throw new Error(`parallel branch: patch size ${p} must be a power of two ≥ 2`);
  if (v.imageSize % p !== 0) throw new Error(`parallel branch: patch size ${p} must divide the image size ${v.imageSize}`);
  const sharing = resolveSharing(cfg);
  const shared: number[] = [];
  for (let l = 0; l < v.depth; l++) if (sharing[l]?.attn || sharing[l]?.mlp) shared.push(l);
  const every = (first: number) => shared.filter((_, j) => j % 2 === first).slice(0, maxStages);
  const layers = every(1).length >= Math.min(2, maxStages) ? every(1) : every(0);
  const w = v.width;
  const c0 = Math.max(1, Math.floor(w / 16));
  const stages: BranchStage[] = [];
  for (let j = 0; j < layers.length; j++) {
    const cout = Math.min(w, c0 * 2 ** j);
    const cin = j === 0 ? 3 : stages[j - 1].cout;
    stages.push({ prefix: `vision.branch.stage${j}`, cin, mid: Math.max(1, Math.floor(cout / 4)), cout, size: v.imageSize / 2 ** (j + 1) });
  }
  const fusions = layers.map((layer, j) => ({ prefix: `vision.fuse${j}`, layer, stage: j, Cm: stages[j].cout, k: p / 2 ** (j + 1) }));
  return { stages, fusions };
}

type AddParam = (name: string, shape: number[], init: InitKind, decay: boolean) => void;

export function addBranchParams(cfg: ClipConfig, addParam: AddParam): void {
  const plan = branchPlan(cfg);
  const w = cfg.vision.width;
  // He init over the per-group fan-in; conv weights decay, BN / LN gains and biases do not.
  const conv = (name: string, cout: number, cinPerGroup: number, k: number) =>
    addParam(name, [cout, cinPerGroup, k, k], { kind: 'normal', std: Math.sqrt(2 / (cinPerGroup * k * k)) }, true);
  const norm = (prefix: string, c: number) => {
    addParam(`${prefix}.g`, [c], { kind: 'const', value: 1 }, false);
    addParam(`${prefix}.b`, [c], { kind: 'const', value: 0 }, false);
  };
  for (const [j, s] of plan.stages.entries()) {
    if (j === 0) {
      conv(`${s.prefix}.conv.w`, s.cout, 3, 3);
      norm(`${s.prefix}.bn`, s.cout);
      continue;
    }
    conv(`${s.prefix}.a.w`, s.mid, s.cin, 1);
    norm(`${s.prefix}.a_bn`, s.mid);
    conv(`${s.prefix}.b.w`, s.mid, s.mid, 3);
    norm(`${s.prefix}.b_bn`, s.mid);
    conv(`${s.prefix}.c.w`, s.cout, s.mid, 1);
    norm(`${s.prefix}.c_bn`, s.cout);
    conv(`${s.prefix}.short.w`, s.cout, s.cin, 1);
    norm(`${s.prefix}.short_bn`, s.cout);
  }
  for (const f of plan.fusions) {
    conv(`${f.prefix}.map_dw.w`, f.Cm, 1, f.k);
    norm(`${f.prefix}.map_bn`, f.Cm);
    conv(`${f.prefix}.map_proj.w`, w, f.Cm, 1);
    conv(`${f.prefix}.tok_dw.w`, w, 1, 3);
    norm(`${f.prefix}.tok_bn`, w);
    norm(`${f.prefix}.ln`, w);
  }
}

/** Every BatchNorm of the branch and its fusions (each has .running_mean / .running_var buffers). */
export function branchBatchNorms(cfg: ClipConfig): { name: string; C: number }[] {
  const plan = branchPlan(cfg);
  const out: { name: string; C: number }[] = [];
  for (const [j, s] of plan.stages.entries()) {
    if (j === 0) out.push({ name: `${s.prefix}.bn`, C: s.cout });
    else
      out.push(
        { name: `${s.prefix}.a_bn`, C: s.mid },
        { name: `${s.prefix}.b_bn`, C: s.mid },
        { name: `${s.prefix}.c_bn`, C: s.cout },
        { name: `${s.prefix}.short_bn`, C: s.cout },
      );
  }
  for (const f of plan.fusions) out.push({ name: `${f.prefix}.map_bn`, C: f.Cm }, { name: `${f.prefix}.tok_bn`, C: cfg.vision.width });
  return out;
}

/** The branch's stage maps (B, cout_j, size_j, size_j), one per fusion. */
export function branchMaps(tape: Tape, cfg: ClipConfig, images: Tensor, B: number): Var[] {
  const plan = branchPlan(cfg);
  const S = cfg.vision.imageSize;
  const bn = (x: Var, name: string, C: number, H: number) =>
    batchNorm2d(tape, x, tape.param(`${name}.g`), tape.param(`${name}.b`), tape.buffer(`${name}.running_mean`), tape.buffer(`${name}.running_var`), { B, C, HW: H * H }, name);
  const conv = (x: Var, name: string, Cin: number, H: number, Cout: number, k: number, stride: number) =>
    conv2d(tape, x, tape.param(name), null, { B, Cin, H, W: H, Cout, k, stride, pad: (k - 1) / 2, groups: 1 }, name);
  const n = (C: number, H: number) => B * C * H * H;
  const maps: Var[] = [];
  let x = tape.input(reshape(images, [B, 3, S, S]));
  let H = S;
  for (const [j, s] of plan.stages.entries()) {
    const Ho = s.size;
    if (j === 0) {
      x = relu(tape, bn(conv(x, `${s.prefix}.conv.w`, 3, H, s.cout, 3, 2), `${s.prefix}.bn`, s.cout, Ho), n(s.cout, Ho), `${s.prefix}.relu`);
    } else {
      const a = relu(tape, bn(conv(x, `${s.prefix}.a.w`, s.cin, H, s.mid, 1, 1), `${s.prefix}.a_bn`, s.mid, H), n(s.mid, H), `${s.prefix}.a_relu`);
      const b = relu(tape, bn(conv(a, `${s.prefix}.b.w`, s.mid, H, s.mid, 3, 2), `${s.prefix}.b_bn`, s.mid, Ho), n(s.mid, Ho), `${s.prefix}.b_relu`);
      const c = bn(conv(b, `${s.prefix}.c.w`, s.mid, Ho, s.cout, 1, 1), `${s.prefix}.c_bn`, s.cout, Ho);
      const sc = bn(conv(x, `${s.prefix}.short.w`, s.cin, H, s.cout, 1, 2), `${s.prefix}.short_bn`, s.cout, Ho);
      x = relu(tape, add(tape, c, sc, n(s.cout, Ho), `${s.prefix}.sum`), n(s.cout, Ho), `${s.prefix}.relu`);
    }
    H = Ho;
    maps.push(x);
  }
  return maps;
}

/** Fuse stage map `map` into tokens x (B, 1+P, w): see the header. */
export function fuse(tape: Tape, cfg: ClipConfig, f: BranchFusion, x: Var, map: Var, B: number): Var {
  const v = cfg.vision;
  const w = v.width;
  const P = numPatches(v);
  const G = v.imageSize / v.patchSize;
  const Hm = G * f.k;
  const bn = (y: Var, name: string, C: number) =>
    batchNorm2d(tape, y, tape.param(`${name}.g`), tape.param(`${name}.b`), tape.buffer(`${name}.running_mean`), tape.buffer(`${name}.running_var`), { B, C, HW: P }, name);
  const p = (s: string) => tape.param(`${f.prefix}.${s}`);
  const md = conv2d(tape, map, p('map_dw.w'), null, { B, Cin: f.Cm, H: Hm, W: Hm, Cout: f.Cm, k: f.k, stride: f.k, pad: 0, groups: f.Cm }, `${f.prefix}.map_dw`);
  const mp = conv2d(tape, bn(md, `${f.prefix}.map_bn`, f.Cm), p('map_proj.w'), null, { B, Cin: f.Cm, H: G, W: G, Cout: w, k: 1, stride: 1, pad: 0, groups: 1 }, `${f.prefix}.map_proj`);
  const tm = tokensToMap(tape, x, B, P, w, `${f.prefix}.tok_map`);
  const td = conv2d(tape, tm, p('tok_dw.w'), null, { B, Cin: w, H: G, W: G, Cout: w, k: 3, stride: 1, pad: 1, groups: w }, `${f.prefix}.tok_dw`);
  const sum = add(tape, bn(td, `${f.prefix}.tok_bn`, w), mp, B * w * P, `${f.prefix}.sum`);
  const tokens = mapToTokens(tape, x, sum, B, P, w, `${f.prefix}.tokens`);
  return layerNorm(tape, tokens, p('ln.g'), p('ln.b'), B * (P + 1), w, `${f.prefix}.ln`);
}
