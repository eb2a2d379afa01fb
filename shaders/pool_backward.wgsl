// Backward of shaders/pool_forward.wgsl (accumulating): dx += the pooled gradient scattered back.
//   'cls':  dx[b,0,c] += dout[b,c]
//   'mean': dx[b,t,c] += dout[b,c] / L   for t < L   (L as in the forward)
//   'eot':  dx[b,k,c] += dout[b,c]       k = clamp(index[b], 0, T−1)
// Tokens not pooled are left untouched (+= 0).
//
// Bindings: 0 uniforms {B, T, C}, 1 dout (B,C) read, 2 index (B) i32 read (dummy unless HAS_INDEX);
//           3 dx (B,T,C) read_write (+=).
// Grid:     ceil(B·T·C / 256) workgroups of 256, one dx element per thread (folded into (x, y) past
//           65,535; linearised below).
override MODE: u32 = 0u;
override HAS_INDEX: bool = false;

struct Params { B: u32, T: u32, C: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> tokIndex: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= u.B * u.T * u.C) { return; }
  let c = i % u.C;
  let t = (i / u.C) % u.T;
  let b = i / (u.C * u.T);
  var k = 0;
  if (HAS_INDEX) { k = tokIndex[b]; }
  let g = dout[b * u.C + c];
  if (MODE == 0u) {
    if (t == 0u) { dx[i] += g; }
  } else if (MODE == 1u) {
    var L = u.T;
    if (HAS_INDEX) { L = u32(clamp(k, 0, i32(u.T))); }
    if (t < L) { dx[i] += g / f32(L); }
  } else {
    if (t == u32(clamp(k, 0, i32(u.T) - 1))) { dx[i] += g; }
  }
}
