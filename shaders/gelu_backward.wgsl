// GELU backward (tanh approximation), accumulating. With u = k·(x + 0.044715·x³), t = tanh(u):
//   dy/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·k·(1 + 3·0.044715·x²)
//   dx += dy · dy/dx
// (u clamped to ±15 as in the forward; there 1 − t² is 0 in f32 anyway.)
//
// Bindings: 0 uniforms {n}, 1 x (n) read, 2 dy (n) read, 3 dx (n) read_write (+=).
// Grid:     ceil(n/256) workgroups of 256, one element per thread (folded into (x, y) past 65,535).
struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

const K = 0.7978845608028654; // sqrt(2/π)

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  let v2 = v * v;
  let t = tanh(clamp(K * (v + 0.044715 * v2 * v), -15.0, 15.0));
  let d = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * K * (1.0 + 3.0 * 0.044715 * v2);
  dx[i] += dy[i] * d;
}
