// Attention probabilities for the UI's attention maps (not used in training):
//   probs[b, h, i, j] = softmax_j(scale · q_i·k_j) over unmasked j, and exactly 0 where masked
//   (j >= len[b], or CAUSAL and j > i). Layout and masking as in attention_forward.wgsl.
// Three passes over the row, each lane touching only its own entries of `probs` (raw score, then
// exp, then normalised), with the row max and sum reduced across the 8 lanes in a fixed order.
//
// Bindings: 0 uniforms {T, H, scale}, 1 qkv (B, T, 3C) read, 2 probs (B, H, T, T) write,
//           3 lengths (B,) i32 read (a dummy when HAS_LEN is false).
// Shared:   shaders/lib/attention_tile.wgsl (overrides, Params, headOf, loadQ/loadKV, visible,
//           validLen), prepended by the launcher.
// Overrides: HD (1..64), CAUSAL, HAS_LEN.
// Grid:     (ceil(T/16), H, B). Workgroup 128 = 16 query rows × 8 lanes; lane c owns keys c, c+8, …
// Every storage binding is read_write, even inputs: WebGPU rejects one buffer bound both read-only and
// writable in a dispatch, and our tensors may be views into one shared buffer.
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> lengths: array<i32>;

const QB = 16u;

var<workgroup> Qs: array<f32, 1040>;   // [QB][PAD], pre-scaled
var<workgroup> red: array<f32, 128>;   // [QB][LANES] partial max / sum

@compute @workgroup_size(128, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let hd = headOf(wg.z, wg.y);
  let T = hd.T;
  let h = wg.y;
  let b = wg.z;
  let q0 = wg.x * QB;
  let len = validLen(b, tid);
  let r = tid / LANES;
  let c = tid % LANES;
  let i = q0 + r;
  let iq = min(i, T - 1u);           // rows past T compute a copy of row T-1 and store nothing
  let prow = ((b * p.H + h) * T + iq) * T;

  for (var e = tid; e < QB * HD; e += 128u) {
    Qs[e / HD * PAD + e % HD] = loadQ(hd, min(q0 + e / HD, T - 1u), e % HD);
  }
  workgroupBarrier();

  var kEnd = len;
  if (CAUSAL) { kEnd = min(kEnd, iq + 1u); }

  // Pass 1: raw scores of visible keys; the row max.
  var m = NEG;
  for (var j = c; j < kEnd; j += LANES) {
    var s = 0.0;
    let a = hd.base + j * hd.row3 + hd.C;
    for (var dd = 0u; dd < HD; dd++) { s = fma(Qs[r * PAD + dd], qkv[a + dd], s); }
    if (i < T) { probs[prow + j] = s; }
    m = max(m, s);
  }
  red[tid] = m;
  workgroupBarrier();
  var rowMax = NEG;
  for (var t = 0u; t < LANES; t++) { rowMax = max(rowMax, red[r * LANES + t]); }
  workgroupBarrier();

  // Pass 2: exponentials; the row sum.
  var l = 0.0;
  if (i < T) {
    for (var j = c; j < kEnd; j += LANES) {
      let e = exp(probs[prow + j] - rowMax);
      probs[prow + j] = e;
      l += e;
    }
  }
  red[tid] = l;
  workgroupBarrier();
  var rowSum = 0.0;
  for (var t = 0u; t < LANES; t++) { rowSum += red[r * LANES + t]; }

  // Pass 3: normalise; masked entries are 0.
  if (i < T) {
    let inv = 1.0 / rowSum;
    for (var j = c; j < T; j += LANES) {
      var v = 0.0;
      if (j < kEnd) { v = probs[prow + j] * inv; }
      probs[prow + j] = v;
    }
  }
}
