// The peer computations written in tfjs (tfjs-backend-webgpu): the same math as our kernels
// (src/kernels/*, src/model/reference.ts) expressed with tfjs ops, as a tfjs user would write them.
// Used by the op benchmarks (ops-bench.ts) and the tfjs CLIP training step (tfjs-clip.ts).
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradient functions; the full tfjs bundle registers them this way.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export const LN100 = Math.log(100);

/** y = x·Wᵀ (+ b), W stored (Cout, Cin) as in our arena. */
export function tfLinear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor): tf.Tensor2D {
  const y = tf.matMul(x, w, false, true);
  return (b ? tf.add(y, b) : y) as tf.Tensor2D;
}

/** LayerNorm over the last axis, eps 1e-5 (as layernorm_forward.wgsl). */
export function tfLayerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor): T {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const v = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(v, 1e-5))), g), b) as T;
}

/** tanh-approximate GELU (as gelu_forward.wgsl). */
export function tfGelu<T extends tf.Tensor>(x: T): T {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1)) as T;
}

/** Rows scaled to unit L2 norm (norm floored at 1e-12, as l2norm_forward.wgsl). */
export function tfL2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  const n = tf.sqrt(tf.sum(tf.square(x), -1, true));
  return tf.div(x, tf.maximum(n, 1e-12));
}

/**
 * Additive attention mask (B, 1, T, T): 0 where key j is visible to query i, -1e9 where masked (causal j > i,
 * or padding j ≥ lengths[b], lengths clamped to [1, T] as the kernels do). Null when nothing is masked.
 */
export function attentionMask(B: number, T: number, causal: boolean, lengths?: ArrayLike<number>): Float32Array | null {
  if (!causal && !lengths) return null;
  const m = new Float32Array(B * T * T);
  for (let b = 0; b < B; b++) {
    const len = lengths ? Math.min(T, Math.max(1, lengths[b])) : T;
    for (let i = 0; i < T; i++)
      for (let j = 0; j < T; j++) if ((causal && j > i) || j >= len) m[(b * T + i) * T + j] = -1e9;
  }
  return m;
}

/**
 * Multi-head attention from packed qkv (B·T, 3C) → (B·T, C), scale 1/√D, optional additive mask
 * (B, 1, T, T). Materialises the (B, H, T, T) scores, as tfjs has no fused attention.
 */
export function tfAttention(qkv: tf.Tensor, B: number, T: number, H: number, D: number, mask: tf.Tensor | null): tf.Tensor2D {
  const C = H * D;
  const [q, k, v] = tf.split(tf.reshape(qkv, [B, T, 3 * C]), 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, H, D]), [0, 2, 1, 3]));
  let s = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D));
  if (mask) s = tf.add(s, mask);
  const o = tf.matMul(tf.softmax(s), v); // (B, H, T, D)
  return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * T, C]);
}

/** Symmetric InfoNCE (CLIP): ½[mean_i(LSE_j s·x_i·y_j − s·x_i·y_i) + (same over columns)], s = exp(min(t, ln 100)). */
export function tfInfoNce(img: tf.Tensor2D, txt: tf.Tensor2D, t: tf.Tensor): tf.Scalar {
  const s = tf.exp(tf.minimum(t, LN100));
  const logits = tf.mul(tf.matMul(img, txt, false, true), s);
  const diag = tf.mul(tf.sum(tf.mul(img, txt), 1), s);
  const row = tf.mean(tf.sub(tf.logSumExp(logits, 1), diag));
  const col = tf.mean(tf.sub(tf.logSumExp(logits, 0), diag));
  return tf.mul(tf.add(row, col), 0.5) as tf.Scalar;
}

/** SigLIP: −(1/B) Σ_ij log σ(z_ij (s·x_i·y_j + b)), z = 2·I − 1 (the (B, B) `signs`), s = exp(t). */
export function tfSigLip(img: tf.Tensor2D, txt: tf.Tensor2D, t: tf.Tensor, bias: tf.Tensor, signs: tf.Tensor2D): tf.Scalar {
  const B = img.shape[0];
  const logits = tf.add(tf.mul(tf.matMul(img, txt, false, true), tf.exp(t)), bias);
  // log σ(u) = −softplus(−u) (tf.logSigmoid's custom gradient fails inside tf.valueAndGrads here).
  return tf.div(tf.sum(tf.softplus(tf.neg(tf.mul(signs, logits)))), B) as tf.Scalar;
}

/** z = 2·I − 1 for SigLIP (B, B). */
export function siglipSigns(B: number): tf.Tensor2D {
  return tf.tidy(() => tf.sub(tf.mul(tf.eye(B), 2), 1) as tf.Tensor2D);
}

/** Close tfjs's open compute pass, submit, and resolve when its queue has drained (no readback). */
export async function tfSync(): Promise<void> {
  const backend = tf.backend() as unknown as {
    ensureCommandEncoderReady(): void;
    endComputePassEncoder(): void;
    submitQueue(): void;
    queue: GPUQueue;
  };
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.queue.onSubmittedWorkDone();
}

/** The GPUDevice tfjs created (its limits decide what it can allocate). */
export function tfDevice(): GPUDevice {
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}

/** tfjs's GPU buffer pool: bytes of live tensors and bytes allocated (including freed, pooled buffers). */
export function tfGpuBytes(): { inUse: number; allocated: number } {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  return { inUse: m.numBytesInGPU ?? Number.NaN, allocated: m.numBytesAllocatedInGPU ?? Number.NaN };
}
