// BatchNorm2d forward over (B, H·W) per channel c, NCHW; n = B·HW.
// TRAINING:  mean = Σ x / n,  var = Σ (x − mean)² / n (biased, used to normalise),  rstd = 1/sqrt(var + eps);
//            runningMean = (1 − m)·runningMean + m·mean,
//            runningVar  = (1 − m)·runningVar  + m·var·n/(n − 1)   (unbiased, as torch; n = 1: var, i.e. 0).
// eval:      mean = runningMean, rstd = 1/sqrt(runningVar + eps); running stats untouched.
// Both:      y[b,c,i] = (x[b,c,i] − mean)·rstd·gamma[c] + beta[c]; mean, rstd (C) saved for backward.
// Overwrites y, mean, rstd; updates running stats in place (training only).
//
// Bindings: 0 uniforms {B, C, HW, eps, momentum}, 1 x (B,C,HW) read, 2 gamma (C) read, 3 beta (C) read,
//           4 y (B,C,HW) write, 5 mean (C) write, 6 rstd (C) write,
//           7 runningMean (C) read_write, 8 runningVar (C) read_write.
// Grid:     one workgroup per channel: C workgroups (folded into (x, y) past 65,535; linearised below).
//           WG threads (override, power of two ≤ 256) stride over the n values of the channel; sums use a
//           tree reduction in workgroup memory (fixed order: deterministic). Two passes for accuracy.
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;
override TRAINING: bool = true;

struct Params { B: u32, C: u32, HW: u32, eps: f32, momentum: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstdOut: array<f32>;
@group(0) @binding(7) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(8) var<storage, read_write> runningVar: array<f32>;

// Flat index of the i-th value (i < n) of channel c.
fn at(c: u32, i: u32) -> u32 {
  let b = i / p.HW;
  return (b * p.C + c) * p.HW + (i - b * p.HW);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let c = wg.x + wg.y * nwg.x;
  if (c >= p.C) { return; }
  let n = p.B * p.HW;

  var mean: f32;
  var rstd: f32;
  if (TRAINING) {
    var s = 0.0;
    for (var i = tid; i < n; i += WG) { s += x[at(c, i)]; }
    mean = wgSum(tid, s) / f32(n);
    var v = 0.0;
    for (var i = tid; i < n; i += WG) { let d = x[at(c, i)] - mean; v = fma(d, d, v); }
    let variance = wgSum(tid, v) / f32(n);
    rstd = inverseSqrt(variance + p.eps);
    if (tid == 0u) {
      let m = p.momentum;
      var unbiased = variance;
      if (n > 1u) { unbiased = variance * f32(n) / f32(n - 1u); }
      runningMean[c] = (1.0 - m) * runningMean[c] + m * mean;
      runningVar[c] = (1.0 - m) * runningVar[c] + m * unbiased;
    }
  } else {
    mean = runningMean[c];
    rstd = inverseSqrt(runningVar[c] + p.eps);
  }

  let scale = rstd * gamma[c];
  let shift = beta[c];
  for (var i = tid; i < n; i += WG) {
    let j = at(c, i);
    y[j] = fma(x[j] - mean, scale, shift);
  }
  if (tid == 0u) {
    meanOut[c] = mean;
    rstdOut[c] = rstd;
  }
}
