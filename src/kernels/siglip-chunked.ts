// SigLIP, CHUNKED variant: the B×B dot products in column chunks of nc ≤ B, each one matmul
// (S = X · Y_cᵀ, (B, nc)), then one barrier-free pass over the chunk (shaders/siglip_pairs.wgsl: loss
// rows and/or H in place), then the two gradient products dImg += S·Y_c and dTxt_c += Sᵀ·X. The
// products run on the tuned matmul kernels (the barrier-free vec4 ones on SwiftShader); the only
// O(B²) memory is one chunk, ≤ CHUNK_ELEMS floats. Forward: 1 matmul-equivalent of B²·D; backward: 3.
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import pairsCode from '../../shaders/siglip_pairs.wgsl?raw';
import { matmul } from './matmul';

const pairsShader = { name: 'siglip_pairs', code: pairsCode };

/** Largest chunk of the pair matrix held at once: 4 Mi floats (16 MiB). */
export const CHUNK_ELEMS = 1 << 22;

let forcedCols: number | undefined;
/** Checks: force chunks of `cols` columns (a multiple of 64) so that small B runs several chunks; undefined: the rule. */
export function setSiglipChunkCols(cols: number | undefined): void {
  if (cols !== undefined && (cols < 64 || cols % 64 !== 0)) throw new Error(`siglip chunk of ${cols} columns: must be a positive multiple of 64`);
  forcedCols = cols;
}

/** Columns per chunk: all B when B² fits, else a multiple of 64 (keeps every view 256-byte aligned). */
export function siglipChunk(B: number): number {
  if (forcedCols !== undefined) return Math.min(B, forcedCols);
  if (B * B <= CHUNK_ELEMS) return B;
  return Math.max(64, Math.floor(CHUNK_ELEMS / B / 64) * 64);
}

const pairScratches = new WeakMap<Gpu, Tensor>();
/** One (B, nc) pair buffer per Gpu, grown to a power of two; a replaced one is left to the GC (see contrastiveScratch). */
function pairScratch(gpu: Gpu, n: number): Tensor {
  let t = pairScratches.get(gpu);
  if (!t || numel(t.shape) < n) {
    t = gpu.tensor([2 ** Math.ceil(Math.log2(Math.max(n, 1024)))], 'siglip-pairs');
    pairScratches.set(gpu, t);
  }
  return t;
}

/** Rows r0 … r0 + n − 1 of a (·, D) tensor, as a tensor (r0·D is a multiple of 64 or 0: aligned). */
function rows(t: Tensor, r0: number, n: number, D: number): Tensor {
  return { ...t, offset: t.offset + r0 * D * 4, shape: [n * D] };
}

export interface ChunkedOpts {
  /** Per-row partials: [loss] (forward), [dT', db] (backward), [loss, dT', db] (both), PS·B elements. */
  part: Tensor;
  loss: boolean;
  /** Gradients to accumulate (+=) gradScale × dLoss into; undefined: forward only. */
  grads?: { dImg: Tensor; dTxt: Tensor; gradScale: number };
}

/** The chunk loop shared by forward, backward and the fused forward + backward. */
export function siglipChunked(gpu: Gpu, img: Tensor, txt: Tensor, logT: Tensor, bias: Tensor, B: number, D: number, o: ChunkedOpts): void {
  const nc0 = siglipChunk(B);
  const S0 = pairScratch(gpu, B * nc0);
  const g = o.grads;
  for (let col0 = 0; col0 < B; col0 += nc0) {
    const nc = Math.min(nc0, B - col0);
    const S = { ...S0, shape: [B * nc] };
    const txtC = rows(txt, col0, nc, D);
    matmul(gpu, img, txtC, S, B, nc, D, { transB: true });
    gpu.run({
      shader: pairsShader,
      constants: { LOSS: o.loss, GRAD: !!g },
      bindings: [logT, bias, S, o.part],
      uniforms: [B, nc, col0, col0 === 0 ? 1 : 0, f32(g?.gradScale ?? 1)],
      grid: Math.ceil(B / 64),
      label: `siglip.pairs${o.loss ? '.loss' : ''}${g ? '.grad' : ''}`,
    });
    if (!g) continue;
    matmul(gpu, S, txtC, g.dImg, B, D, nc, { accumulate: true }); // (B, nc) · (nc, D)
    matmul(gpu, S, img, rows(g.dTxt, col0, nc, D), nc, D, B, { transA: true, accumulate: true }); // (B, nc)ᵀ · (B, D)
  }
}
