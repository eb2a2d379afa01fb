// Batched 2-D transpose (used for NCHW feature maps → (B, H·W, C) tokens, and back for the gradient).
//   out[b, s, r] (=|+=) x[b, r, s]      x (B, R, S), out (B, S, R)
// Each batch item may sit at its own stride and offset (elements) inside a larger tensor:
//   x[b, r, s] = x_buf[b·xBatch + xOff + r·S + s],  out[b, s, r] = out_buf[b·outBatch + outOff + s·R + r]
// (contiguous: xBatch = outBatch = R·S, offsets 0), e.g. the patch rows of (B, 1+P, C) tokens without the CLS row.
// ACCUMULATE (override): false overwrites out (forward), true adds into it (backward: gradients accumulate).
//
// Bindings: 0 uniforms {B, R, S, xBatch, xOff, outBatch, outOff}, 1 x (B,R,S) read, 2 out (B,S,R) read_write.
// Grid:     ceil(B·R·S / 256) workgroups of 256, one (logical) output element per thread (folded into (x, y) past
//           65,535; linearised below). Consecutive threads write consecutive outputs (reads are strided).
override ACCUMULATE: bool = false;

struct Params { B: u32, R: u32, S: u32, xBatch: u32, xOff: u32, outBatch: u32, outOff: u32 }

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
  let v = x[b * u.xBatch + u.xOff + r * u.S + s];
  let o = b * u.outBatch + u.outOff + s * u.R + r;
  if (ACCUMULATE) {
    outv[o] = outv[o] + v;
  } else {
    outv[o] = v;
  }
}
