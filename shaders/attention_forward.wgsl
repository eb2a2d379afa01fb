// Multi-head scaled-dot-product attention, forward (flash-style online softmax; no T×T storage).
//   s_ij = scale · q_i·k_j  (scale = 1/sqrt(HD)), masked where j >= len[b] or (CAUSAL and j > i)
//   out_i = Σ_j softmax_j(s_i·) v_j,   lse_i = log Σ_j exp(s_ij)   (over unmasked j)
// Head h of batch row b: q = qkv[b, i, h·HD + d], k = qkv[b, j, C + h·HD + d], v = qkv[b, j, 2C + h·HD + d],
// C = H·HD. Key 0 is never masked (len is clamped to [1, T]), so every row, including padded query
// rows i >= len[b], has a finite softmax.
//
// Bindings: 0 uniforms {T, H, scale}, 1 qkv (B, T, 3C) read, 2 out (B, T, C) write,
//           3 lse (B, H, T) write, 4 lengths (B,) i32 read (a dummy when HAS_LEN is false).
// Shared:   shaders/lib/attention_tile.wgsl (overrides, Params, headOf, loadQ/loadKV, visible,
//           validLen), prepended by the launcher.
// Overrides: HD (head dim, 1..64), CAUSAL, HAS_LEN.
// Grid:     (ceil(T/16), H, B). Workgroup 128 = 16 query rows × 8 lanes; lane c owns output dims
//           c, c+8, …  Keys advance 16 at a time through workgroup tiles; each thread computes 2 of
//           the 16×16 tile scores, then every lane of a row recomputes the row's max/sum from the
//           shared score tile (identical arithmetic, so the 8 copies agree bit for bit).
// Workgroup memory: (16 + 2·16)·65 + 256 floats = 13.5 KiB (rows padded to 65 against bank conflicts).
// Every storage binding is read_write, even inputs: WebGPU rejects one buffer bound both read-only and
// writable in a dispatch, and our tensors may be views into one shared buffer.
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<storage, read_write> lengths: array<i32>;

const QB = 16u;      // query rows per workgroup
const KT = 16u;      // keys per tile

var<workgroup> Qs: array<f32, 1040>;  // [QB][PAD], pre-scaled
var<workgroup> Ks: array<f32, 1040>;  // [KT][PAD]
var<workgroup> Vs: array<f32, 1040>;  // [KT][PAD]
var<workgroup> Ss: array<f32, 256>;   // [QB][KT] scores (NEG where masked)

@compute @workgroup_size(128, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let hd = headOf(wg.z, wg.y);
  let T = hd.T;
  let h = wg.y;
  let b = wg.z;
  let q0 = wg.x * QB;
  let C = hd.C;
  let len = validLen(b, tid);
  let r = tid / LANES;
  let c = tid % LANES;
  let i = q0 + r;

  for (var e = tid; e < QB * HD; e += 128u) {
    Qs[e / HD * PAD + e % HD] = loadQ(hd, q0 + e / HD, e % HD);
  }

  // Keys beyond kEnd are masked for every row of this block.
  var kEnd = len;
  if (CAUSAL) { kEnd = min(kEnd, min(T, q0 + QB)); }

  var m = NEG;
  var l = 0.0;
  var acc: array<f32, 8>;
  for (var j = 0u; j < 8u; j++) { acc[j] = 0.0; }

  for (var k0 = 0u; k0 < kEnd; k0 += KT) {
    workgroupBarrier();  // previous tile fully consumed (and Qs written, first time)
    for (var e = tid; e < KT * HD; e += 128u) {
      let kv = loadKV(hd, k0 + e / HD, e % HD);
      Ks[e / HD * PAD + e % HD] = kv.x;
      Vs[e / HD * PAD + e % HD] = kv.y;
    }
    workgroupBarrier();
    for (var t = 0u; t < 2u; t++) {
      let kk = c + t * LANES;
      let j = k0 + kk;
      var s = NEG;
      if (visible(i, j, kEnd)) {
        s = 0.0;
        for (var dd = 0u; dd < HD; dd++) { s = fma(Qs[r * PAD + dd], Ks[kk * PAD + dd], s); }
      }
      Ss[r * KT + kk] = s;
    }
    workgroupBarrier();
    var mNew = m;
    for (var kk = 0u; kk < KT; kk++) { mNew = max(mNew, Ss[r * KT + kk]); }
    let alpha = exp(m - mNew);  // 1 while nothing is visible yet, 0-ish on the first visible tile
    l *= alpha;
    for (var j = 0u; j < 8u; j++) { acc[j] *= alpha; }
    for (var kk = 0u; kk < KT; kk++) {
      let s = Ss[r * KT + kk];
      if (s <= NEG) { continue; }  // masked: contributes exactly 0
      let pr = exp(s - mNew);
      l += pr;
      for (var j = 0u; j < 8u; j++) {
        let dd = c + j * LANES;
        if (dd < HD) { acc[j] = fma(pr, Vs[kk * PAD + dd], acc[j]); }
      }
    }
    m = mNew;
  }

  if (i < T) {
    let inv = 1.0 / l;
    let o = (b * T + i) * C + h * HD;
    for (var j = 0u; j < 8u; j++) {
      let dd = c + j * LANES;
      if (dd < HD) { outp[o + dd] = acc[j] * inv; }
    }
    if (c == 0u) { lse[(b * p.H + h) * T + i] = m + log(l); }
  }
}
