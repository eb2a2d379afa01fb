// GELU backward (tanh approximation), accumulating. With u = k·(x + 0.044715·x³), σ = σ(2u)
// (= 0.5·(1 + tanh u)) and σ(1−σ) = e/(1+e)², e = exp(−2|u|):
//   dy/dx = σ + 2·x·σ(1−σ)·k·(1 + 3·0.044715·x²)
//   dx += dy · dy/dx
// Same as 0.5(1+t) + 0.5x(1−t²)k(1+3·0.044715x²) with t = tanh u, but 1 − t² is computed without
// cancellation (4·σ(1−σ)), which keeps relative precision for |u| of a few units.
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
  let u = K * (v + 0.044715 * v2 * v);
  let e = exp(-2.0 * abs(u));
  let r = 1.0 / (1.0 + e);
  let s = select(e, 1.0, u >= 0.0) * r; // σ(2u)
  let ss = e * r * r;                   // σ(2u)·(1 − σ(2u))
  let d = s + 2.0 * v * ss * K * (1.0 + 3.0 * 0.044715 * v2);
  dx[i] += dy[i] * d;
}
