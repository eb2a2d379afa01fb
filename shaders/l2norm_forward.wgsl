// Row-wise L2 normalisation (embeddings into the joint space).
//   norms[n] = ||x[n,:]||₂ ;  y[n,d] = x[n,d] / max(norms[n], 1e-12)
//
// Bindings: 0 uniforms {N, D}, 1 x (N,D) read; 2 y (N,D) write, 3 norms (N) write.
// Grid:     one workgroup per row: N workgroups (folded into (x, y) past 65,535; linearised below).
//           WG threads (override, power of two ≤ 256) stride over the row; Σx² is a tree reduction
//           in workgroup memory.
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;

struct Params { N: u32, D: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> norms: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.N) { return; }
  let base = row * p.D;
  var s = 0.0;
  for (var d = tid; d < p.D; d += WG) { let v = x[base + d]; s = fma(v, v, s); }
  let norm = sqrt(wgSum(tid, s));
  let inv = 1.0 / max(norm, 1e-12);
  for (var d = tid; d < p.D; d += WG) { y[base + d] = x[base + d] * inv; }
  if (tid == 0u) { norms[row] = norm; }
}
