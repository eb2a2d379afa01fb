// LayerNorm backward, input gradient (accumulating). With x̂ = (x − mean)·rstd and g = dy·gamma:
//   dx[n,c] += rstd[n] · ( g[n,c] − mean_c(g[n,:]) − x̂[n,c] · mean_c(g[n,:]·x̂[n,:]) )
// The parameter gradients (dgamma, dbeta) are column reductions: shaders/layernorm_params_backward.wgsl.
//
// Bindings: 0 uniforms {N, C}, 1 x (N,C), 2 gamma (C), 3 mean (N), 4 rstd (N), 5 dy (N,C) read;
//           6 dx (N,C) read_write (+=).
// Grid:     one workgroup per row: N workgroups (folded into (x, y) past 65,535; linearised below).
//           WG threads (override, power of two ≤ 256) stride over the row; the two row sums share
//           one tree reduction over vec2 in workgroup memory.
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;

struct Params { N: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> meanIn: array<f32>;
@group(0) @binding(4) var<storage, read> rstdIn: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.N) { return; }
  let C = p.C;
  let base = row * C;
  let mean = meanIn[row];
  let rstd = rstdIn[row];

  var acc = vec2<f32>(0.0, 0.0); // (Σ g, Σ g·x̂)
  for (var c = tid; c < C; c += WG) {
    let g = dy[base + c] * gamma[c];
    let xh = (x[base + c] - mean) * rstd;
    acc += vec2<f32>(g, g * xh);
  }
  let sums = wgSum2(tid, acc) / f32(C);

  for (var c = tid; c < C; c += WG) {
    let g = dy[base + c] * gamma[c];
    let xh = (x[base + c] - mean) * rstd;
    dx[base + c] += rstd * (g - sums.x - xh * sums.y);
  }
}
