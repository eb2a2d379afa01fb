// MS-CLIP's convolutional parts as ONNX nodes (NCHW), mirroring src/model/stem.ts (Early
// Specialization stem) and src/model/branch.ts (Efficient Parallel Branch + fusion layers).
// BatchNorm: 'running' (inference, what the app's forward does when the tape is not recording:
// (x − running_mean)/√(running_var + eps)·γ + β, the standard BatchNormalization op) or 'batch'
// (the batch statistics over (B, H, W), biased variance — the training-mode forward, which
// src/model/reference.ts computes; used to check the graph's structure against that reference).
import type { ClipConfig, VisionConfig } from '../model/config';
import { branchPlan, type BranchFusion } from '../model/branch';
import { stemPlan } from '../model/stem';
import { type GraphBuilder, f } from './graph';
import { layerNorm, param } from './layers';
import type { ExportWeights } from './weights';

export const BN_EPS = 1e-5;
export type BnMode = 'running' | 'batch';

export interface ConvOpts {
  bn: BnMode;
  /** In 'batch' mode, also expose every BN's batch mean and biased variance as graph outputs `${name}.batch_mean/var`. */
  exposeBatchStats?: boolean;
}

interface ConvSpec {
  k: number;
  stride: number;
  pad: number;
  groups?: number;
}

/** y = conv2d(x, W) (+ bias), W (Cout, Cin/groups, k, k) the arena tensor. */
export function conv(g: GraphBuilder, w: ExportWeights, x: string, wName: string, s: ConvSpec, bName: string | null = null): string {
  const ins = [x, param(g, w, wName)];
  if (bName) ins.push(param(g, w, bName));
  return g.op(
    'Conv',
    ins,
    { kernel_shape: [s.k, s.k], strides: [s.stride, s.stride], pads: [s.pad, s.pad, s.pad, s.pad], group: s.groups ?? 1, dilations: [1, 1] },
    wName.replace(/\.w$/, ''),
  );
}

/** BatchNorm2d `${name}` (gain .g, bias .b; running stats .running_mean / .running_var) over x (B, C, H, W). */
export function batchNorm(g: GraphBuilder, w: ExportWeights, x: string, name: string, C: number, o: ConvOpts): string {
  const gamma = param(g, w, `${name}.g`);
  const beta = param(g, w, `${name}.b`);
  if (o.bn === 'running') {
    const rm = w.buffer(`${name}.running_mean`);
    const rv = w.buffer(`${name}.running_var`);
    return g.op('BatchNormalization', [x, gamma, beta, g.weight(rm.name, rm.shape, rm.data), g.weight(rv.name, rv.shape, rv.data)], { epsilon: f(BN_EPS) }, name);
  }
  // Batch statistics, as shaders/batchnorm_forward.wgsl in training: mean, biased var, rstd = 1/√(var + eps).
  const mean = g.op('ReduceMean', [x], { axes: [0, 2, 3], keepdims: 1 }, `${name}.mean`); // (1, C, 1, 1)
  const d = g.op('Sub', [x, mean], {}, `${name}.centred`);
  const v = g.op('ReduceMean', [g.op('Mul', [d, d], {}, `${name}.sq`)], { axes: [0, 2, 3], keepdims: 1 }, `${name}.var`);
  const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [v, g.scalar(BN_EPS)], {}, name)], {}, name)], {}, `${name}.rstd`);
  const chan = (t: string) => g.op('Reshape', [t, g.ints([1, C, 1, 1])], {}, `${name}.chan`);
  const y = g.op('Add', [g.op('Mul', [g.op('Mul', [d, rstd], {}, name), chan(gamma)], {}, name), chan(beta)], {}, name);
  if (o.exposeBatchStats) {
    for (const [t, what] of [
      [mean, 'batch_mean'],
      [v, 'batch_var'],
    ] as const) {
      const out = `${name}.${what}`;
      g.output(g.op('Reshape', [t, g.ints([C])], {}, out), out);
      g.extraOutputs.push({ name: out, dtype: 'float32', shape: [C] });
    }
  }
  return y;
}

const relu = (g: GraphBuilder, x: string, hint: string) => g.op('Relu', [x], {}, hint);

/** images (B, 3, S, S) → patch tokens (B, P, w) through the Early Specialization stem. */
export function convStem(g: GraphBuilder, w: ExportWeights, v: VisionConfig, images: string, o: ConvOpts): string {
  const plan = stemPlan(v);
  let x = relu(g, batchNorm(g, w, conv(g, w, images, 'vision.stem.conv0.w', { k: 3, stride: 2, pad: 1 }), 'vision.stem.bn0', plan.c0, o), 'vision.stem.relu0');
  for (const b of plan.blocks) {
    const main = batchNorm(g, w, conv(g, w, x, `${b.prefix}.conv.w`, { k: 3, stride: b.stride, pad: 1 }), `${b.prefix}.bn`, b.cout, o);
    const short = batchNorm(g, w, conv(g, w, x, `${b.prefix}.short.w`, { k: 1, stride: b.stride, pad: 0 }), `${b.prefix}.short_bn`, b.cout, o);
    x = relu(g, g.op('Add', [main, short], {}, `${b.prefix}.sum`), `${b.prefix}.relu`);
  }
  const y = conv(g, w, x, 'vision.stem.proj.w', { k: 1, stride: 1, pad: 0 }); // (B, w, G, G), no bias (as released)
  return mapToTokens(g, y, v.width, (v.imageSize / v.patchSize) ** 2, 'vision.stem.tokens');
}

/** (B, C, G, G) → (B, G·G, C). */
function mapToTokens(g: GraphBuilder, map: string, C: number, P: number, hint: string): string {
  return g.op('Transpose', [g.op('Reshape', [map, g.ints([0, C, P])], {}, hint)], { perm: [0, 2, 1] }, hint);
}

/** The parallel branch's stage maps (B, cout_j, size_j, size_j) from the raw images. */
export function branchMaps(g: GraphBuilder, w: ExportWeights, cfg: ClipConfig, images: string, o: ConvOpts): string[] {
  const maps: string[] = [];
  let x = images;
  for (const [j, s] of branchPlan(cfg).stages.entries()) {
    const p = s.prefix;
    if (j === 0) x = relu(g, batchNorm(g, w, conv(g, w, x, `${p}.conv.w`, { k: 3, stride: 2, pad: 1 }), `${p}.bn`, s.cout, o), `${p}.relu`);
    else {
      const a = relu(g, batchNorm(g, w, conv(g, w, x, `${p}.a.w`, { k: 1, stride: 1, pad: 0 }), `${p}.a_bn`, s.mid, o), `${p}.a_relu`);
      const b = relu(g, batchNorm(g, w, conv(g, w, a, `${p}.b.w`, { k: 3, stride: 2, pad: 1 }), `${p}.b_bn`, s.mid, o), `${p}.b_relu`);
      const c = batchNorm(g, w, conv(g, w, b, `${p}.c.w`, { k: 1, stride: 1, pad: 0 }), `${p}.c_bn`, s.cout, o);
      const sc = batchNorm(g, w, conv(g, w, x, `${p}.short.w`, { k: 1, stride: 2, pad: 0 }), `${p}.short_bn`, s.cout, o);
      x = relu(g, g.op('Add', [c, sc], {}, `${p}.sum`), `${p}.relu`);
    }
    maps.push(x);
  }
  return maps;
}

/**
 * Fusion `f` of a stage map into the tokens x (B, 1+P, w):
 * LN([CLS ; BN(dw3×3(patch tokens as (B, w, G, G))) + proj1×1(BN(dw k×k stride k (map)))]).
 */
export function fuse(g: GraphBuilder, w: ExportWeights, cfg: ClipConfig, fu: BranchFusion, x: string, map: string, o: ConvOpts): string {
  const v = cfg.vision;
  const C = v.width;
  const G = v.imageSize / v.patchSize;
  const P = G * G;
  const p = (s: string) => `${fu.prefix}.${s}`;
  const md = conv(g, w, map, p('map_dw.w'), { k: fu.k, stride: fu.k, pad: 0, groups: fu.Cm });
  const mp = conv(g, w, batchNorm(g, w, md, p('map_bn'), fu.Cm, o), p('map_proj.w'), { k: 1, stride: 1, pad: 0 });
  const T = P + 1;
  const patches = g.op('Slice', [x, g.ints([1]), g.ints([T]), g.ints([1])], {}, p('patches')); // (B, P, C)
  const tm = g.op('Reshape', [g.op('Transpose', [patches], { perm: [0, 2, 1] }, p('tok_map')), g.ints([0, C, G, G])], {}, p('tok_map'));
  const td = batchNorm(g, w, conv(g, w, tm, p('tok_dw.w'), { k: 3, stride: 1, pad: 1, groups: C }), p('tok_bn'), C, o);
  const sum = g.op('Add', [td, mp], {}, p('sum'));
  const cls = g.op('Slice', [x, g.ints([0]), g.ints([1]), g.ints([1])], {}, p('cls')); // (B, 1, C)
  const tokens = g.op('Concat', [cls, mapToTokens(g, sum, C, P, p('tokens'))], { axis: 1 }, p('tokens'));
  return layerNorm(g, w, tokens, p('ln'));
}
