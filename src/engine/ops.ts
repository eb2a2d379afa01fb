// Differentiable ops: each runs its forward kernel(s) now and records its backward on the tape.
// Shapes in comments: N rows (= B·T), C channels.
import { type AttnDims, attentionBackward, attentionForward } from '../kernels/attention';
import { type BatchnormDims, batchnormBackward, batchnormForward } from '../kernels/batchnorm';
import { type ConvDims, conv2dBackward, conv2dForward, convOutSize } from '../kernels/conv2d';
import { accumulate, add as addKernel, reluBackward, reluForward, sumRows } from '../kernels/elementwise';
import { embeddingBackward, embeddingForward } from '../kernels/embedding';
import { geluBackward, geluForward } from '../kernels/gelu';
import { infoNceBackward, infoNceForward } from '../kernels/infonce';
import { l2normBackward, l2normForward } from '../kernels/l2norm';
import { layernormBackward, layernormForward } from '../kernels/layernorm';
import { matmul } from '../kernels/matmul';
import { clsPosBackward, clsPosForward } from '../kernels/patch';
import { poolBackward, poolForward } from '../kernels/pool';
import { siglipBackward, siglipForward } from '../kernels/siglip';
import { transpose as transposeKernel } from '../kernels/transpose';
import type { Tensor } from '../gpu/tensor';
import type { Tape, Var } from './tape';

const wants = (...vs: (Var | null | undefined)[]) => vs.some((v) => v?.needsGrad);

/** y (N, Cout) = x (N, Cin) · Wᵀ (+ b), W stored (Cout, Cin) as in PyTorch. */
export function linear(tape: Tape, x: Var, w: Var, b: Var | null, N: number, Cin: number, Cout: number, label: string): Var {
  const gpu = tape.gpu;
  const y = tape.act([N, Cout], label, wants(x, w, b));
  matmul(gpu, x.t, w.t, y.t, N, Cout, Cin, { transB: true, bias: b?.t });
  tape.onBackward(() => {
    if (!y.grad) return;
    const dy = y.grad;
    if (x.needsGrad) matmul(gpu, dy, w.t, tape.gradOf(x), N, Cin, Cout, { accumulate: true });
    if (w.needsGrad) matmul(gpu, dy, x.t, tape.gradOf(w), Cout, Cin, N, { transA: true, accumulate: true });
    if (b?.needsGrad) sumRows(gpu, dy, tape.gradOf(b), N, Cout);
  });
  return y;
}

export function layerNorm(tape: Tape, x: Var, g: Var, b: Var, N: number, C: number, label: string): Var {
  const gpu = tape.gpu;
  const y = tape.act([N, C], label, wants(x, g, b));
  const mean = tape.scratch([N], `${label}.mean`);
  const rstd = tape.scratch([N], `${label}.rstd`);
  layernormForward(gpu, x.t, g.t, b.t, y.t, mean, rstd, N, C);
  tape.onBackward(() => {
    if (!y.grad) return;
    layernormBackward(gpu, x.t, g.t, mean, rstd, y.grad, tape.gradOf(x), tape.gradOf(g), tape.gradOf(b), N, C);
  });
  return y;
}

export function gelu(tape: Tape, x: Var, n: number, label: string): Var {
  const y = tape.act(x.t.shape, label, x.needsGrad);
  geluForward(tape.gpu, x.t, y.t, n);
  tape.onBackward(() => {
    if (y.grad && x.needsGrad) geluBackward(tape.gpu, x.t, y.grad, tape.gradOf(x), n);
  });
  return y;
}

export function add(tape: Tape, a: Var, b: Var, n: number, label: string): Var {
  const y = tape.act(a.t.shape, label, wants(a, b));
  addKernel(tape.gpu, a.t, b.t, y.t, n);
  tape.onBackward(() => {
    if (!y.grad) return;
    if (a.needsGrad) accumulate(tape.gpu, y.grad, tape.gradOf(a), n);
    if (b.needsGrad) accumulate(tape.gpu, y.grad, tape.gradOf(b), n);
  });
  return y;
}

export function relu(tape: Tape, x: Var, n: number, label: string): Var {
  const y = tape.act(x.t.shape, label, x.needsGrad);
  reluForward(tape.gpu, x.t, y.t, n);
  tape.onBackward(() => {
    if (y.grad && x.needsGrad) reluBackward(tape.gpu, x.t, y.grad, tape.gradOf(x), n);
  });
  return y;
}

/** y (B, S, R) = x (B, R, S) transposed per batch, e.g. NCHW maps (B, C, H·W) → tokens (B, H·W, C). */
export function transpose(tape: Tape, x: Var, B: number, R: number, S: number, label: string): Var {
  const y = tape.act([B, S, R], label, x.needsGrad);
  transposeKernel(tape.gpu, x.t, y.t, B, R, S);
  tape.onBackward(() => {
    // The adjoint of a transpose is the inverse transpose, accumulated.
    if (y.grad && x.needsGrad) transposeKernel(tape.gpu, y.grad, tape.gradOf(x), B, S, R, true);
  });
  return y;
}

/** The patch rows of tokens x (B, 1+P, C) (CLS row skipped) as NCHW maps (B, C, P). */
export function tokensToMap(tape: Tape, x: Var, B: number, P: number, C: number, label: string): Var {
  const T = P + 1;
  const y = tape.act([B, C, P], label, x.needsGrad);
  transposeKernel(tape.gpu, x.t, y.t, B, P, C, false, { xBatch: T * C, xOff: C });
  tape.onBackward(() => {
    if (y.grad && x.needsGrad) transposeKernel(tape.gpu, y.grad, tape.gradOf(x), B, C, P, true, { outBatch: T * C, outOff: C });
  });
  return y;
}

/** Tokens (B, 1+P, C): the CLS row of `cls` (B, 1+P, C) passes through, the patch rows come from maps (B, C, P). */
export function mapToTokens(tape: Tape, cls: Var, maps: Var, B: number, P: number, C: number, label: string): Var {
  const T = P + 1;
  const rows = { xBatch: T * C, outBatch: T * C };
  const y = tape.act([B, T, C], label, wants(cls, maps));
  transposeKernel(tape.gpu, cls.t, y.t, B, 1, C, false, rows); // R = 1: a copy of each CLS row
  transposeKernel(tape.gpu, maps.t, y.t, B, C, P, false, { outBatch: T * C, outOff: C });
  tape.onBackward(() => {
    if (!y.grad) return;
    if (cls.needsGrad) transposeKernel(tape.gpu, y.grad, tape.gradOf(cls), B, 1, C, true, rows);
    if (maps.needsGrad) transposeKernel(tape.gpu, y.grad, tape.gradOf(maps), B, P, C, true, { xBatch: T * C, xOff: C });
  });
  return y;
}

/** y (B, Cout, Ho, Wo) = conv2d(x (B, Cin, H, W), w (Cout, Cin/groups, k, k)) (+ bias (Cout)), NCHW. */
export function conv2d(tape: Tape, x: Var, w: Var, bias: Var | null, d: ConvDims, label: string): Var {
  const gpu = tape.gpu;
  const { Ho, Wo } = convOutSize(d);
  const y = tape.act([d.B, d.Cout, Ho, Wo], label, wants(x, w, bias));
  conv2dForward(gpu, x.t, w.t, bias?.t ?? null, y.t, d);
  tape.onBackward(() => {
    if (!y.grad) return;
    const dx = x.needsGrad ? tape.gradOf(x) : null;
    const dw = w.needsGrad ? tape.gradOf(w) : null;
    const db = bias?.needsGrad ? tape.gradOf(bias) : null;
    if (dx || dw || db) conv2dBackward(gpu, x.t, w.t, y.grad, dx, dw, db, d);
  });
  return y;
}

/**
 * BatchNorm2d over x (B, C, HW). While the tape records (training) it normalises with the batch statistics
 * and updates the running stats in place (torch semantics); otherwise (inference) it uses the running
 * stats. The running stats are model buffers (tape.buffer), not parameters.
 */
export function batchNorm2d(
  tape: Tape,
  x: Var,
  g: Var,
  b: Var,
  runningMean: Tensor,
  runningVar: Tensor,
  d: Omit<BatchnormDims, 'training'>,
  label: string,
): Var {
  const gpu = tape.gpu;
  const training = tape.recording;
  const y = tape.act(x.t.shape, label, wants(x, g, b));
  const mean = tape.scratch([d.C], `${label}.mean`);
  const rstd = tape.scratch([d.C], `${label}.rstd`);
  batchnormForward(gpu, x.t, g.t, b.t, y.t, mean, rstd, runningMean, runningVar, { ...d, training });
  tape.onBackward(() => {
    if (!y.grad) return;
    const dims = { B: d.B, C: d.C, HW: d.HW };
    batchnormBackward(gpu, x.t, g.t, mean, rstd, y.grad, tape.gradOf(x), tape.gradOf(g), tape.gradOf(b), dims);
  });
  return y;
}

/** Multi-head attention core on a fused qkv (B, T, 3C) → (B, T, C). */
export function attention(tape: Tape, qkv: Var, d: AttnDims, label: string): Var {
  const gpu = tape.gpu;
  const C = d.H * d.D;
  const out = tape.act([d.B, d.T, C], label, qkv.needsGrad);
  const lse = tape.scratch([d.B, d.H, d.T], `${label}.lse`);
  attentionForward(gpu, qkv.t, out.t, lse, d);
  tape.onBackward(() => {
    if (!out.grad || !qkv.needsGrad) return;
    const scratch = tape.scratch([d.B, d.H, d.T], `${label}.delta`);
    attentionBackward(gpu, qkv.t, out.t, out.grad, lse, tape.gradOf(qkv), scratch, d);
  });
  return out;
}

/** Token + position embeddings: (B·T) ids → (B·T, C). */
export function embedding(tape: Tape, ids: Tensor, tok: Var, pos: Var, N: number, T: number, C: number, V: number): Var {
  const y = tape.act([N, C], 'text.embed', wants(tok, pos));
  embeddingForward(tape.gpu, ids, tok.t, pos.t, y.t, N, T, C);
  tape.onBackward(() => {
    if (y.grad) embeddingBackward(tape.gpu, ids, y.grad, tape.gradOf(tok), tape.gradOf(pos), N, T, C, V);
  });
  return y;
}

/** Prepend the CLS token and add positions: (B, P, C) → (B, P+1, C). */
export function clsPos(tape: Tape, tokens: Var, cls: Var, pos: Var, B: number, P: number, C: number): Var {
  const y = tape.act([B, P + 1, C], 'vision.tokens', wants(tokens, cls, pos));
  clsPosForward(tape.gpu, tokens.t, cls.t, pos.t, y.t, B, P, C);
  tape.onBackward(() => {
    if (y.grad) clsPosBackward(tape.gpu, y.grad, tape.gradOf(tokens), tape.gradOf(cls), tape.gradOf(pos), B, P, C);
  });
  return y;
}

export function pool(
  tape: Tape,
  x: Var,
  B: number,
  T: number,
  C: number,
  mode: 'cls' | 'mean' | 'eot',
  index: Tensor | undefined,
  label: string,
): Var {
  const y = tape.act([B, C], label, x.needsGrad);
  poolForward(tape.gpu, x.t, y.t, B, T, C, mode, index);
  tape.onBackward(() => {
    if (y.grad && x.needsGrad) poolBackward(tape.gpu, y.grad, tape.gradOf(x), B, T, C, mode, index);
  });
  return y;
}

export function l2normalize(tape: Tape, x: Var, N: number, D: number, label: string): Var {
  const y = tape.act([N, D], label, x.needsGrad);
  const norms = tape.scratch([N], `${label}.norms`);
  l2normForward(tape.gpu, x.t, y.t, norms, N, D);
  tape.onBackward(() => {
    if (y.grad && x.needsGrad) l2normBackward(tape.gpu, x.t, y.t, norms, y.grad, tape.gradOf(x), N, D);
  });
  return y;
}

/** Symmetric InfoNCE over L2-normalised (B, D) embeddings; returns the scalar loss (1). */
export function infoNce(tape: Tape, img: Var, txt: Var, logT: Var, B: number, D: number): Var {
  const loss = tape.act([1], 'loss', true);
  const rowLse = tape.scratch([B], 'infonce.rowLse');
  const colLse = tape.scratch([B], 'infonce.colLse');
  infoNceForward(tape.gpu, img.t, txt.t, logT.t, rowLse, colLse, loss.t, B, D);
  tape.onBackward(() => {
    // The upstream gradient of the loss is the seed (1); backward() fills it, the kernels assume 1.
    infoNceBackward(tape.gpu, img.t, txt.t, logT.t, rowLse, colLse, tape.gradOf(img), tape.gradOf(txt), tape.gradOf(logT), B, D);
  });
  return loss;
}

export function sigLip(tape: Tape, img: Var, txt: Var, logT: Var, bias: Var, B: number, D: number): Var {
  const loss = tape.act([1], 'loss', true);
  const scratch = tape.scratch([B], 'siglip.rows');
  siglipForward(tape.gpu, img.t, txt.t, logT.t, bias.t, loss.t, B, D, scratch);
  tape.onBackward(() => {
    siglipBackward(
      tape.gpu,
      img.t,
      txt.t,
      logT.t,
      bias.t,
      tape.gradOf(img),
      tape.gradOf(txt),
      tape.gradOf(logT),
      tape.gradOf(bias),
      B,
      D,
    );
  });
  return loss;
}
