// Deterministic sum of per-row partials into one scalar (loss or a scalar parameter's gradient).
//   out[0] = alpha · Σ_{i<n} v[start + i·stride]   (+ out[0] when ACCUMULATE: gradients accumulate)
// Used for: SigLIP loss (per-row sums, alpha = 1/B); dT of InfoNCE/SigLIP and dBias of SigLIP
// (per-row partials, alpha = upstream gradient; SigLIP's two partials are interleaved, stride 2).
// Bindings: 0 uniforms {n, start, stride, alpha}, 1 v (read), 2 out (1) (read_write).
// One workgroup of 256: invocation k sums i ≡ k (mod 256) in order, then a fixed tree reduction.
// Grid: 1.
override ACCUMULATE: bool = false;

struct Params {
  n: u32,
  start: u32,
  stride: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) tid: u32) {
  var acc = 0.0;
  for (var i = tid; i < p.n; i += 256u) { acc += v[p.start + i * p.stride]; }
  red[tid] = acc;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (tid < w) { red[tid] += red[tid + w]; }
    workgroupBarrier();
  }
  if (tid == 0u) {
    var r = p.alpha * red[0];
    if (ACCUMULATE) { r += out[0]; }
    out[0] = r;
  }
}
