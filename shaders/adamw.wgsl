// AdamW over the whole flat parameter arena in one dispatch (decoupled weight decay, Loshchilov &
// Hutter; PyTorch torch.optim.AdamW semantics), with global-norm clipping and a non-finite skip
// read from the GPU-resident stats written by grad_norm.wgsl (no CPU readback in the step), per-group
// learning-rate / weight-decay multipliers (MS-CLIP's LR_SHARE / WD_SHARE) and open_clip's clamp of one
// element (the logit scale) after the update:
//   if stats[2] != 0: return (params, m, v untouched for every element)
//   grp  = group[i >> 6]                            (u32 per 64-element arena block: 0 no-decay, 1 specific, 2 shared,
//                                                    3 / 4 a teacher run's vision tower, no-decay / decaying)
//   g    = grad[i] · stats[1]                      (clip factor)
//   m    = β1·m + (1−β1)·g
//   v    = β2·v + (1−β2)·g²
//   p   -= lr·lrm[grp] · ( (m/bc1) / (sqrt(v/bc2) + eps) + wd·wdm[grp]·p )
//   if i == clampAt: p = clamp(p, clampMin, clampMax)
// bc1 = 1−β1^step, bc2 = 1−β2^step (step 1-based) are computed on the CPU in float64. Grads are only read.
//
// Bindings: 0 uniforms {n, lr, beta1, beta2, eps, wd, bc1, bc2, lrm0..4, wdm0..4, clampAt, clampMin, clampMax},
//           1 params (rw), 2 grads (read), 3 m (rw), 4 v (rw), 5 group (read, u32, ceil(n/64)),
//           6 stats (read, 4 f32). clampAt = 0xFFFFFFFF: no clamp.
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
  lrm0: f32,
  lrm1: f32,
  lrm2: f32,
  lrm3: f32,
  lrm4: f32,
  wdm0: f32,
  wdm1: f32,
  wdm2: f32,
  wdm3: f32,
  wdm4: f32,
  clampAt: u32,
  clampMin: f32,
  clampMax: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> mBuf: array<f32>;
@group(0) @binding(4) var<storage, read_write> vBuf: array<f32>;
@group(0) @binding(5) var<storage, read> group: array<u32>;
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
  let grp = group[i >> 6u];
  let lrm = select(select(select(select(p.lrm0, p.lrm1, grp == 1u), p.lrm2, grp == 2u), p.lrm3, grp == 3u), p.lrm4, grp == 4u);
  let wdm = select(select(select(select(p.wdm0, p.wdm1, grp == 1u), p.wdm2, grp == 2u), p.wdm3, grp == 3u), p.wdm4, grp == 4u);
  let x = params[i];
  let update = (m / p.bc1) / (sqrt(v / p.bc2) + p.eps) + p.wd * wdm * x;
  var y = x - p.lr * lrm * update;
  if (i == p.clampAt) { y = clamp(y, p.clampMin, p.clampMax); }
  params[i] = y;
}
