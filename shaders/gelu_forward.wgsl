// GELU, tanh approximation (GPT-2; torch GELU(approximate='tanh')):
//   y = 0.5 · x · (1 + tanh(k · (x + 0.044715 · x³))),  k = sqrt(2/π)
// The tanh argument is clamped to ±15 (tanh is ±1 in f32 there) so no backend's exp-based tanh
// can overflow into inf/inf = NaN.
//
// Bindings: 0 uniforms {n}, 1 x (n) read, 2 y (n) write.
// Grid:     ceil(n/256) workgroups of 256, one element per thread (folded into (x, y) past 65,535).
struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

const K = 0.7978845608028654; // sqrt(2/π)

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  let t = tanh(clamp(K * (v + 0.044715 * v * v * v), -15.0, 15.0));
  y[i] = 0.5 * v * (1.0 + t);
}
