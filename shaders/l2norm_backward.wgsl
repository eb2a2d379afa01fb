// Backward of shaders/l2norm_forward.wgsl (accumulating). With r = max(norm, 1e-12):
//   norm > 1e-12:  dx = (dy − y · Σ_d(y·dy)) / norm      (projection off the unit vector)
//   otherwise:     dx = dy / 1e-12                        (y = x / 1e-12 is linear there)
//
// Bindings: 0 uniforms {N, D}, 1 y (N,D), 2 norms (N), 3 dy (N,D) read; 4 dx (N,D) read_write (+=).
// (x is not needed: y and the norm carry everything.)
// Grid:     one workgroup per row: N workgroups (folded into (x, y) past 65,535; linearised below);
//           WG threads (override, power of two ≤ 256); Σ y·dy is a tree reduction in workgroup memory.
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;

struct Params { N: u32, D: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> norms: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.N) { return; }
  let base = row * p.D;
  var s = 0.0;
  for (var d = tid; d < p.D; d += WG) { s = fma(y[base + d], dy[base + d], s); }
  let ydy = wgSum(tid, s);
  let norm = norms[row];
  let big = norm > 1e-12;
  let inv = 1.0 / max(norm, 1e-12);
  let proj = select(0.0, ydy, big); // at tiny norms the map is linear: no projection term
  for (var d = tid; d < p.D; d += WG) {
    dx[base + d] += (dy[base + d] - y[base + d] * proj) * inv;
  }
}
