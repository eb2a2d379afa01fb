// GELU, tanh approximation (GPT-2; torch GELU(approximate='tanh')):
//   y = 0.5 · x · (1 + tanh(u)),  u = k · (x + 0.044715 · x³),  k = sqrt(2/π)
// Evaluated as y = x · σ(2u) with e = exp(−2|u|) ∈ (0, 1]:  σ(2u) = 1/(1+e) for u ≥ 0, e/(1+e)
// otherwise. Never overflows (no inf/inf NaN from an exp-based tanh) and keeps full relative
// precision in the negative tail, where 1 + tanh(u) would cancel.
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
  let u = K * (v + 0.044715 * v * v * v);
  let e = exp(-2.0 * abs(u));
  let s = select(e, 1.0, u >= 0.0) / (1.0 + e); // σ(2u)
  y[i] = v * s;
}
