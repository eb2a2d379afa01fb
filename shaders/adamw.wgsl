// AdamW over the whole flat parameter arena in one dispatch (decoupled weight decay, Loshchilov &
// Hutter; PyTorch torch.optim.AdamW semantics), with global-norm clipping and a non-finite skip
// read from the GPU-resident stats written by grad_norm.wgsl (no CPU readback in the step):
//   if stats[2] != 0: return (params, m, v untouched for every element)
//   g    = grad[i] · stats[1]                      (clip factor)
//   m    = β1·m + (1−β1)·g
//   v    = β2·v + (1−β2)·g²
//   p   -= lr · ( (m/bc1) / (sqrt(v/bc2) + eps) + wd·decay·p )
// bc1 = 1−β1^step, bc2 = 1−β2^step (step 1-based) are computed on the CPU in float64.
// decay = decayMask[i >> 6] (u32 0/1: one flag per 64-element arena block). Grads are only read.
//
// Bindings: 0 uniforms {n, lr, beta1, beta2, eps, wd, bc1, bc2}, 1 params (rw), 2 grads (read),
//           3 m (rw), 4 v (rw), 5 decayMask (read, u32, ceil(n/64)), 6 stats (read, 4 f32).
// Grid:     ceil(n/256) workgroups of 256, one element per invocation; the runtime folds grids
//           above 65,535 into (x, y), so the workgroup index is linearised and bounds-checked.

struct Params {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  wd: f32,
  bc1: f32,
  bc2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> mBuf: array<f32>;
@group(0) @binding(4) var<storage, read_write> vBuf: array<f32>;
@group(0) @binding(5) var<storage, read> decayMask: array<u32>;
@group(0) @binding(6) var<storage, read> stats: array<f32>;

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid.x;
  if (i >= p.n) { return; }
  // Non-finite gradients anywhere: skip the whole step (finalize writes exactly 0.0 or 1.0).
  if (stats[2] != 0.0) { return; }
  let g = grads[i] * stats[1];
  let m = p.beta1 * mBuf[i] + (1.0 - p.beta1) * g;
  let v = p.beta2 * vBuf[i] + (1.0 - p.beta2) * g * g;
  mBuf[i] = m;
  vBuf[i] = v;
  let decay = f32(decayMask[i >> 6u]);
  let x = params[i];
  let update = (m / p.bc1) / (sqrt(v / p.bc2) + p.eps) + p.wd * decay * x;
  params[i] = x - p.lr * update;
}
