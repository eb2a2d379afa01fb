// Attention backward, part 1 of 2: dq (per query rows) and Δ_i = Σ_d dO_id·O_id (for part 2).
// Probabilities are recomputed from the forward's lse (flash-style), never stored:
//   P_ij  = exp(scale·q_i·k_j − lse_i)  (0 where masked: j >= len[b] or CAUSAL and j > i)
//   dS_ij = P_ij · (dO_i·v_j − Δ_i)
//   dq_i += scale · Σ_j dS_ij k_j
// Layout and masking as in attention_forward.wgsl (qkv (B, T, 3C), out/dout (B, T, C), C = H·HD).
//
// Bindings: 0 uniforms {T, H, scale}, 1 qkv read, 2 out (B, T, C) read, 3 dout (B, T, C) read,
//           4 lse (B, H, T) read, 5 dqkv (B, T, 3C) read_write (q channels += dq),
//           6 delta (B, H, T) write (Δ_i, read by attention_backward_dkdv.wgsl), 7 lengths (B,) i32.
// Shared:   shaders/lib/attention_tile.wgsl (overrides, Params, headOf, loadQ/loadKV, visible,
//           validLen), prepended by the launcher.
// Overrides: HD (1..64), CAUSAL, HAS_LEN.
// Grid:     (ceil(T/16), H, B). Workgroup 128 = 16 query rows × 8 lanes; lane c owns dims c, c+8, …
//           Keys advance 8 at a time; each thread computes one of the 16×8 dS entries of a tile.
// Workgroup memory: (2·16 + 2·8)·65 + 128 + 128 + 32 floats ≈ 13.3 KiB.
// Every storage binding is read_write, even inputs: WebGPU rejects one buffer bound both read-only and
// writable in a dispatch, and our tensors may be views into one shared buffer.
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(0) @binding(3) var<storage, read_write> dout: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(6) var<storage, read_write> delta: array<f32>;
@group(0) @binding(7) var<storage, read_write> lengths: array<i32>;

const QB = 16u;
const KT = 8u;

var<workgroup> Qs: array<f32, 1040>;   // [QB][PAD], pre-scaled
var<workgroup> dOs: array<f32, 1040>;  // [QB][PAD]
var<workgroup> Ks: array<f32, 520>;    // [KT][PAD]
var<workgroup> Vs: array<f32, 520>;    // [KT][PAD]
var<workgroup> dSs: array<f32, 128>;   // [QB][KT]
var<workgroup> part: array<f32, 128>;  // [QB][LANES] partial Δ sums
var<workgroup> rowLse: array<f32, 16>;
var<workgroup> rowDelta: array<f32, 16>;

@compute @workgroup_size(128, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let hd = headOf(wg.z, wg.y);
  let T = hd.T;
  let h = wg.y;
  let b = wg.z;
  let q0 = wg.x * QB;
  let C = hd.C;
  let obase = hd.obase;
  let len = validLen(b, tid);
  let r = tid / LANES;
  let c = tid % LANES;
  let i = q0 + r;

  for (var e = tid; e < QB * HD; e += 128u) {
    let rr = e / HD; let dd = e % HD;
    var gv = 0.0;
    if (q0 + rr < T) { gv = dout[obase + (q0 + rr) * C + dd]; }
    Qs[rr * PAD + dd] = loadQ(hd, q0 + rr, dd);  // pre-scaled, as in the forward
    dOs[rr * PAD + dd] = gv;
  }
  // Δ_i: each lane sums its dims, then lane 0 adds the 8 partials in a fixed order.
  var sp = 0.0;
  if (i < T) {
    for (var dd = c; dd < HD; dd += LANES) { sp = fma(dout[obase + i * C + dd], outp[obase + i * C + dd], sp); }
  }
  part[tid] = sp;
  workgroupBarrier();
  if (c == 0u) {
    var s = 0.0;
    for (var t = 0u; t < LANES; t++) { s += part[r * LANES + t]; }
    rowDelta[r] = s;
    var lv = 0.0;
    if (i < T) {
      lv = lse[(b * p.H + h) * T + i];
      delta[(b * p.H + h) * T + i] = s;
    }
    rowLse[r] = lv;
  }

  var kEnd = len;
  if (CAUSAL) { kEnd = min(kEnd, min(T, q0 + QB)); }

  var acc: array<f32, 8>;
  for (var j = 0u; j < 8u; j++) { acc[j] = 0.0; }

  // One dS entry per thread: row r2 = tid / KT, key kk2 = tid % KT.
  let r2 = tid / KT;
  let kk2 = tid % KT;
  let i2 = q0 + r2;
  for (var k0 = 0u; k0 < kEnd; k0 += KT) {
    workgroupBarrier();
    for (var e = tid; e < KT * HD; e += 128u) {
      let kv = loadKV(hd, k0 + e / HD, e % HD);
      Ks[e / HD * PAD + e % HD] = kv.x;
      Vs[e / HD * PAD + e % HD] = kv.y;
    }
    workgroupBarrier();
    let j = k0 + kk2;
    var ds = 0.0;
    if (i2 < T && visible(i2, j, kEnd)) {
      var s = 0.0;
      var dp = 0.0;
      for (var dd = 0u; dd < HD; dd++) {
        s = fma(Qs[r2 * PAD + dd], Ks[kk2 * PAD + dd], s);
        dp = fma(dOs[r2 * PAD + dd], Vs[kk2 * PAD + dd], dp);
      }
      let pr = exp(s - rowLse[r2]);
      ds = pr * (dp - rowDelta[r2]);
    }
    dSs[r2 * KT + kk2] = ds;
    workgroupBarrier();
    for (var kk = 0u; kk < KT; kk++) {
      let g = dSs[r * KT + kk];
      for (var jj = 0u; jj < 8u; jj++) {
        let dd = c + jj * LANES;
        if (dd < HD) { acc[jj] = fma(g, Ks[kk * PAD + dd], acc[jj]); }
      }
    }
  }

  if (i < T) {
    let o = hd.base + i * hd.row3;
    for (var jj = 0u; jj < 8u; jj++) {
      let dd = c + jj * LANES;
      if (dd < HD) { dqkv[o + dd] += p.scale * acc[jj]; }
    }
  }
}
