// MS-CLIP's Early Specialization (You et al. 2022): a residual conv stem instead of the linear patch embedding.
//   vision.stem = 'conv' (as released, Hxyou/MSCLIP `first_conv`): the stem IS vision layer 0 — no vision
//     transformer block 0 is built, the tower runs blocks 1..depth−1 (shared with text blocks 1..depth−1).
//   vision.stem = 'conv-plus-layer0' (ours): the stem replaces only the patch embedding; an unshared vision
//     transformer block 0 still follows it.
// Images (B, 3, S, S) →
//   conv0: 3×3 stride 2 (3 → c0) + BN + ReLU
//   blocks i = 0..n−1: relu(BN(3×3 conv stride s_i) + BN(1×1 conv stride s_i))   (channels c_i → c_{i+1})
//   proj: 1×1 conv w → w (no bias, as released)
// → (B, w, G, G), G = S / patchSize → tokens (B, G·G, w) (NCHW → (B, HW, C) transpose).
// Strides: 2 until their product reaches patchSize (a power of two ≥ 2), then 1; n = 4 blocks as in the
// paper (more only if the patch needs more stride-2 stages). Channels: c0 = w/16, then w/8, w/4, w/2, w
// (w reached at the last block; each clamped ≥ 1). No conv carries a bias (BN follows; proj as released).
// BatchNorm running statistics are model buffers (src/engine/buffers.ts), not parameters.
import { BufferLayout } from '../engine/buffers';
import { add, batchNorm2d, conv2d, relu, transpose } from '../engine/ops';
import type { Tape, Var } from '../engine/tape';
import type { InitKind } from '../gpu/arena';
import { type Tensor, reshape } from '../gpu/tensor';
import { branchBatchNorms, usesParallelBranch } from './branch';
import type { ClipConfig, VisionConfig } from './config';

export interface StemBlock {
  prefix: string;
  cin: number;
  cout: number;
  stride: number;
}

export interface StemPlan {
  /** conv0's output channels. */
  c0: number;
  blocks: StemBlock[];
  /** Spatial sizes: input, after conv0, after each block (the last = S / patchSize). */
  sizes: number[];
}

export const usesConvStem = (v: VisionConfig): boolean => v.stem === 'conv' || v.stem === 'conv-plus-layer0';

export function stemPlan(v: VisionConfig): StemPlan {
  const p = v.patchSize;
  const log2p = Math.log2(p);
  if (!Number.isInteger(log2p) || p < 2) throw new Error(`conv stem: patch size ${p} must be a power of two ≥ 2 (the stem's total stride)`);
  if (v.imageSize % p !== 0) throw new Error(`conv stem: patch size ${p} must divide the image size ${v.imageSize}`);
  const w = v.width;
  const n = Math.max(4, log2p - 1);
  const ch = (div: number) => Math.max(1, Math.floor(w / div));
  const c0 = ch(2 ** n);
  const blocks: StemBlock[] = [];
  const sizes = [v.imageSize, v.imageSize / 2];
  let stride = 2;
  let cin = c0;
  for (let i = 0; i < n; i++) {
    const s = stride < p ? 2 : 1;
    stride *= s;
    const cout = i === n - 1 ? w : ch(2 ** (n - 1 - i));
    blocks.push({ prefix: `vision.stem.block${i}`, cin, cout, stride: s });
    sizes.push(sizes[sizes.length - 1] / s);
    cin = cout;
  }
  return { c0, blocks, sizes };
}

type AddParam = (name: string, shape: number[], init: InitKind, decay: boolean) => void;

/** The stem's parameters: conv weights He-initialised with decay; BN gains 1, biases 0, no decay. */
export function addStemParams(v: VisionConfig, addParam: AddParam): void {
  const plan = stemPlan(v);
  const conv = (name: string, cout: number, cin: number, k: number) =>
    addParam(name, [cout, cin, k, k], { kind: 'normal', std: Math.sqrt(2 / (cin * k * k)) }, true);
  const bn = (prefix: string, c: number) => {
    addParam(`${prefix}.g`, [c], { kind: 'const', value: 1 }, false);
    addParam(`${prefix}.b`, [c], { kind: 'const', value: 0 }, false);
  };
  conv('vision.stem.conv0.w', plan.c0, 3, 3);
  bn('vision.stem.bn0', plan.c0);
  for (const b of plan.blocks) {
    conv(`${b.prefix}.conv.w`, b.cout, b.cin, 3);
    bn(`${b.prefix}.bn`, b.cout);
    conv(`${b.prefix}.short.w`, b.cout, b.cin, 1);
    bn(`${b.prefix}.short_bn`, b.cout);
  }
  conv('vision.stem.proj.w', v.width, v.width, 1);
}

/** Names of the BatchNorm layers (each has `${name}.running_mean` and `${name}.running_var` buffers). */
export function stemBatchNorms(v: VisionConfig): { name: string; C: number }[] {
  const plan = stemPlan(v);
  const out = [{ name: 'vision.stem.bn0', C: plan.c0 }];
  for (const b of plan.blocks) out.push({ name: `${b.prefix}.bn`, C: b.cout }, { name: `${b.prefix}.short_bn`, C: b.cout });
  return out;
}

/** The model's non-trained buffers: BN running stats of the conv stem and the parallel branch (else empty). */
export function buildBufferLayout(cfg: ClipConfig): BufferLayout {
  const L = new BufferLayout();
  const bns = [...(usesConvStem(cfg.vision) ? stemBatchNorms(cfg.vision) : []), ...(usesParallelBranch(cfg) ? branchBatchNorms(cfg) : [])];
  for (const bn of bns) {
    L.add(`${bn.name}.running_mean`, bn.C, 0);
    L.add(`${bn.name}.running_var`, bn.C, 1);
  }
  return L;
}

/** images (B, 3, S, S) → patch tokens (B, P, w) through the conv stem. */
export function convStem(tape: Tape, v: VisionConfig, images: Tensor, B: number): Var {
  const plan = stemPlan(v);
  const S = v.imageSize;
  const w = v.width;
  const bnorm = (x: Var, name: string, C: number, HW: number) =>
    batchNorm2d(
      tape,
      x,
      tape.param(`${name}.g`),
      tape.param(`${name}.b`),
      tape.buffer(`${name}.running_mean`),
      tape.buffer(`${name}.running_var`),
      { B, C, HW },
      name,
    );
  const conv = (x: Var, name: string, Cin: number, H: number, Cout: number, k: number, stride: number) =>
    conv2d(tape, x, tape.param(name), null, { B, Cin, H, W: H, Cout, k, stride, pad: (k - 1) / 2, groups: 1 }, name);

  const img = tape.input(reshape(images, [B, 3, S, S]));
  let H = plan.sizes[1];
  let x = conv(img, 'vision.stem.conv0.w', 3, S, plan.c0, 3, 2);
  x = relu(tape, bnorm(x, 'vision.stem.bn0', plan.c0, H * H), B * plan.c0 * H * H, 'vision.stem.relu0');
  plan.blocks.forEach((b, i) => {
    const Hin = H;
    H = plan.sizes[i + 2];
    const n = B * b.cout * H * H;
    const main = bnorm(conv(x, `${b.prefix}.conv.w`, b.cin, Hin, b.cout, 3, b.stride), `${b.prefix}.bn`, b.cout, H * H);
    const short = bnorm(conv(x, `${b.prefix}.short.w`, b.cin, Hin, b.cout, 1, b.stride), `${b.prefix}.short_bn`, b.cout, H * H);
    x = relu(tape, add(tape, main, short, n, `${b.prefix}.sum`), n, `${b.prefix}.relu`);
  });
  x = conv(x, 'vision.stem.proj.w', w, H, w, 1, 1);
  return transpose(tape, x, B, w, H * H, 'vision.stem.tokens');
}
