// Sequence pooling (B, T, C) → (B, C); MODE (override) picks the token(s):
//   MODE 0 'cls':  out[b,c] = x[b, 0, c]
//   MODE 1 'mean': out[b,c] = (1/L) Σ_{t<L} x[b, t, c],  L = min(index[b], T) if HAS_INDEX else T
//                  (L = 0 gives 0)
//   MODE 2 'eot':  out[b,c] = x[b, clamp(index[b], 0, T−1), c]
// `index` is a 1-element dummy when HAS_INDEX is false (it is referenced, so layout 'auto' keeps it).
//
// Bindings: 0 uniforms {B, T, C}, 1 x (B,T,C) read, 2 index (B) i32 read; 3 out (B,C) write.
// Grid:     ceil(B·C / 256) workgroups of 256, one output per thread; 'mean' walks its L tokens in
//           order (deterministic). Folded into (x, y) past 65,535; linearised below.
override MODE: u32 = 0u;
override HAS_INDEX: bool = false;

struct Params { B: u32, T: u32, C: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> tokIndex: array<i32>;
@group(0) @binding(3) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= u.B * u.C) { return; }
  let c = i % u.C;
  let b = i / u.C;
  let base = b * u.T * u.C + c;
  var k = 0;
  if (HAS_INDEX) { k = tokIndex[b]; }
  if (MODE == 0u) {
    outv[i] = x[base];
  } else if (MODE == 1u) {
    var L = u.T;
    if (HAS_INDEX) { L = u32(clamp(k, 0, i32(u.T))); }
    var s = 0.0;
    for (var t = 0u; t < L; t++) { s += x[base + t * u.C]; }
    outv[i] = select(0.0, s / f32(L), L > 0u);
  } else {
    let t = u32(clamp(k, 0, i32(u.T) - 1));
    outv[i] = x[base + t * u.C];
  }
}
