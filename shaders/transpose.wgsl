// Batched 2-D transpose (used for NCHW feature maps → (B, H·W, C) tokens, and back for the gradient).
//   out[b, s, r] (=|+=) x[b, r, s]      x (B, R, S), out (B, S, R)
// ACCUMULATE (override): false overwrites out (forward), true adds into it (backward: gradients accumulate).
//
// Bindings: 0 uniforms {B, R, S}, 1 x (B,R,S) read, 2 out (B,S,R) read_write.
// Grid:     ceil(B·R·S / 256) workgroups of 256, one output element per thread (folded into (x, y) past
//           65,535; linearised below). Consecutive threads write consecutive outputs (reads are strided).
override ACCUMULATE: bool = false;

struct Params { B: u32, R: u32, S: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= u.B * u.R * u.S) { return; }
  let r = i % u.R;
  let bs = i / u.R;
  let s = bs % u.S;
  let b = bs / u.S;
  let v = x[(b * u.R + r) * u.S + s];
  if (ACCUMULATE) {
    outv[i] = outv[i] + v;
  } else {
    outv[i] = v;
  }
}
