// The vision tower as an ONNX graph, mirroring src/model/clip.ts encodeImage:
//   pixel_values (B, 3, S, S) → patches · Wᵀ (or MS-CLIP's conv stem) → [CLS; tokens] + pos → ln_pre
//   → blocks (each preceded by its parallel-branch fusion, if any) → pool (CLS or mean) → ln_final
//   → proj → L2-normalise → image_embeds (B, E).
import { branchPlan, usesParallelBranch } from '../model/branch';
import { firstVisionBlock, numPatches } from '../model/config';
import { usesConvStem } from '../model/stem';
import { type ConvOpts, branchMaps, convStem, fuse } from './conv';
import { GraphBuilder, type ValueSpec } from './graph';
import { IMAGE_INPUT, IMAGE_OUTPUT, imageIO } from './io';
import { block, head, layerNorm, linear, param } from './layers';
import type { ExportWeights } from './weights';

export interface EncoderGraph {
  bytes: Uint8Array;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  /** Debug outputs beyond the embedding (batch BN statistics in tests). */
  extraOutputs: ValueSpec[];
  nodes: number;
  initializers: string[];
}

export interface BuildOpts extends Partial<ConvOpts> {
  producer?: string;
  props?: Record<string, string>;
}

export function buildImageEncoder(w: ExportWeights, opts: BuildOpts = {}): EncoderGraph {
  const cfg = w.cfg;
  const v = cfg.vision;
  const o: ConvOpts = { bn: opts.bn ?? 'running', exposeBatchStats: opts.exposeBatchStats };
  const g = new GraphBuilder('sharelab_image_encoder');
  const S = v.imageSize;
  const p = v.patchSize;
  const G = S / p;
  const P = numPatches(v);
  const C = v.width;
  const T = P + 1;

  let tokens: string; // (B, P, C)
  if (usesConvStem(v)) tokens = convStem(g, w, v, IMAGE_INPUT, o);
  else {
    // im2patch: (B, 3, G, p, G, p) → (B, G, G, 3, p, p) → (B, P, 3·p·p); row order (c, y, x) as src/kernels/patch.ts.
    const six = g.op('Reshape', [IMAGE_INPUT, g.ints([-1, 3, G, p, G, p])], {}, 'vision.patches6');
    const patches = g.op('Reshape', [g.op('Transpose', [six], { perm: [0, 2, 4, 1, 3, 5] }, 'vision.patchesT'), g.ints([0, P, 3 * p * p])], {}, 'vision.patches');
    tokens = linear(g, w, patches, 'vision.patch.w', null, 'vision.patch');
  }
  // [CLS; tokens] + pos: CLS (C) broadcast to (B, 1, C) with B read from the input's shape.
  const batch = g.op('Shape', [IMAGE_INPUT], { start: 0, end: 1 }, 'batch');
  const clsShape = g.op('Concat', [batch, g.ints([1, C])], { axis: 0 }, 'cls.shape');
  const cls = g.op('Expand', [g.op('Reshape', [param(g, w, 'vision.cls'), g.ints([1, 1, C])], {}, 'cls'), clsShape], {}, 'cls.b');
  const seq = g.op('Concat', [cls, tokens], { axis: 1 }, 'vision.seq');
  let x = layerNorm(g, w, g.op('Add', [seq, param(g, w, 'vision.pos')], {}, 'vision.tokens'), 'vision.ln_pre');

  const fusions = usesParallelBranch(cfg) ? branchPlan(cfg).fusions : [];
  const maps = fusions.length > 0 ? branchMaps(g, w, cfg, IMAGE_INPUT, o) : [];
  for (let l = firstVisionBlock(v); l < v.depth; l++) {
    for (const f of fusions) if (f.layer === l) x = fuse(g, w, cfg, f, x, maps[f.stage], o);
    x = block(g, w, x, `vision.blocks.${l}`, { T, C, H: v.heads, mlpRatio: v.mlpRatio }, null);
  }
  const pooled =
    v.pool === 'cls'
      ? g.op('Gather', [x, g.constant('int64', [0], [], 'idx0')], { axis: 1 }, 'vision.pool')
      : g.op('ReduceMean', [x], { axes: [1], keepdims: 0 }, 'vision.pool');
  g.output(head(g, w, pooled, 'vision'), IMAGE_OUTPUT);
  const io = imageIO(cfg);
  const bytes = g.encode(io.inputs, io.outputs, { producer: opts.producer ?? 'ShareLab', docString: 'ShareLab CLIP image encoder (L2-normalised embedding)', props: opts.props });
  return { bytes, ...io, extraOutputs: g.extraOutputs, nodes: g.nodes.length, initializers: g.initializerNames };
}
