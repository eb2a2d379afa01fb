// Shared by the four tiled attention shaders (attention_forward, attention_backward_dq,
// attention_backward_dkdv, attention_probs); the launchers prepend it (src/kernels/wgsl.ts).
// It declares the overrides, the uniforms (binding 0) and the Q/K/V addressing and masking they all
// use; the including shader declares `lengths` (array<i32>) and its own tiles.
// Layout: qkv (B, T, 3C), C = H·HD: q = qkv[b, i, h·HD + d], k = … C + h·HD + d, v = … 2C + h·HD + d.
override HD: u32 = 64u;       // head dim, 1..64
override CAUSAL: bool = false;
override HAS_LEN: bool = false;

struct Params { T: u32, H: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;

const LANES = 8u;    // threads per tile row; lane c owns dims c, c+8, …
const PAD = 65u;     // row stride of the Q/K/V tiles (HD ≤ 64; odd against bank conflicts)
const NEG = -1e30;   // "minus infinity" that keeps exp() and subtraction finite

// Where head h of batch row b lives: qkv offset of (b, 0, h) and out/dout offset of (b, 0, h).
struct Head { T: u32, C: u32, row3: u32, base: u32, obase: u32 }

fn headOf(b: u32, h: u32) -> Head {
  let C = p.H * HD;
  return Head(p.T, C, 3u * C, b * p.T * 3u * C + h * HD, b * p.T * C + h * HD);
}

// q[row, dd] · scale (0 for rows ≥ T): the tiles hold q pre-scaled.
fn loadQ(hd: Head, row: u32, dd: u32) -> f32 {
  if (row >= hd.T) { return 0.0; }
  return qkv[hd.base + row * hd.row3 + dd] * p.scale;
}

// (k[row, dd], v[row, dd]), 0 for rows ≥ T.
fn loadKV(hd: Head, row: u32, dd: u32) -> vec2<f32> {
  if (row >= hd.T) { return vec2<f32>(0.0, 0.0); }
  let a = hd.base + row * hd.row3 + hd.C + dd;
  return vec2<f32>(qkv[a], qkv[a + hd.C]);
}

// Key j is visible to query i: inside the valid length and, when CAUSAL, not in the future.
fn visible(i: u32, j: u32, len: u32) -> bool {
  return j < len && (!CAUSAL || j <= i);
}

var<workgroup> wLen: u32;

// Valid key count of batch row b, clamped to [1, T] (key 0 is never masked, so every softmax row is
// finite). Loaded through workgroup memory because the tile loops (which contain barriers) are
// bounded by it and must be provably uniform. Call from uniform control flow.
fn validLen(b: u32, tid: u32) -> u32 {
  if (tid == 0u) {
    wLen = p.T;
    if (HAS_LEN) { wLen = u32(clamp(lengths[b], 1, i32(p.T))); }
  }
  return workgroupUniformLoad(&wLen);
}
