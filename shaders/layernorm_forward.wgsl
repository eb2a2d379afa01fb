// LayerNorm forward over rows of length C.
//   mean[n] = Σ_c x[n,c] / C
//   rstd[n] = 1 / sqrt(Σ_c (x[n,c] − mean)² / C + eps)      (biased variance, as torch)
//   y[n,c]  = (x[n,c] − mean[n]) · rstd[n] · gamma[c] + beta[c]
// mean and rstd are saved for the backward pass.
//
// Bindings: 0 uniforms {N, C, eps}, 1 x (N,C) read, 2 gamma (C) read, 3 beta (C) read,
//           4 y (N,C) write, 5 mean (N) write, 6 rstd (N) write.
// Grid:     one workgroup per row: N workgroups (folded into (x, y) past 65,535; linearised below).
//           WG threads (override, a power of two ≤ 256) stride over the row; sums use a tree
//           reduction in workgroup memory. Two passes (mean, then centred squares) for accuracy.
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;

struct Params { N: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstdOut: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.N) { return; }
  let C = p.C;
  let base = row * C;

  var s = 0.0;
  for (var c = tid; c < C; c += WG) { s += x[base + c]; }
  let mean = wgSum(tid, s) / f32(C);

  var v = 0.0;
  for (var c = tid; c < C; c += WG) { let d = x[base + c] - mean; v = fma(d, d, v); }
  let rstd = inverseSqrt(wgSum(tid, v) / f32(C) + p.eps);

  for (var c = tid; c < C; c += WG) {
    y[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
  }
  if (tid == 0u) {
    meanOut[row] = mean;
    rstdOut[row] = rstd;
  }
}
