// Attention backward, part 2 of 2: dk and dv (per key rows). Runs after attention_backward_dq.wgsl,
// which wrote Δ_i = Σ_d dO_id·O_id into `delta`. Probabilities are recomputed from lse:
//   P_ij  = exp(scale·q_i·k_j − lse_i)  (0 where masked: j >= len[b] or CAUSAL and j > i)
//   dS_ij = P_ij · (dO_i·v_j − Δ_i)
//   dv_j += Σ_i P_ij dO_i,     dk_j += scale · Σ_i dS_ij q_i
// Layout and masking as in attention_forward.wgsl (qkv (B, T, 3C), dout (B, T, C), C = H·HD).
//
// Bindings: 0 uniforms {T, H, scale}, 1 qkv read, 2 dout (B, T, C) read, 3 lse (B, H, T) read,
//           4 delta (B, H, T) read, 5 dqkv (B, T, 3C) read_write (k and v channels +=),
//           6 lengths (B,) i32 read (a dummy when HAS_LEN is false).
// Shared:   shaders/lib/attention_tile.wgsl (overrides, Params, headOf, loadQ/loadKV, visible,
//           validLen), prepended by the launcher.
// Overrides: HD (1..64), CAUSAL, HAS_LEN.
// Grid:     (ceil(T/16), H, B). Workgroup 128 = 16 key rows × 8 lanes; lane c owns dims c, c+8, …
//           Queries advance 8 at a time (causal: starting at the block's first key); each thread
//           computes one of the 16×8 (P, dS) entries of a tile.
// Workgroup memory: (2·16 + 2·8)·65 + 2·128 + 16 floats ≈ 13.3 KiB.
// Every storage binding is read_write, even inputs: WebGPU rejects one buffer bound both read-only and
// writable in a dispatch, and our tensors may be views into one shared buffer.
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(6) var<storage, read_write> lengths: array<i32>;

const KB = 16u;   // key rows per workgroup
const QT = 8u;    // queries per tile

var<workgroup> Ks: array<f32, 1040>;   // [KB][PAD]
var<workgroup> Vs: array<f32, 1040>;   // [KB][PAD]
var<workgroup> Qs: array<f32, 520>;    // [QT][PAD], pre-scaled
var<workgroup> dOs: array<f32, 520>;   // [QT][PAD]
var<workgroup> Ps: array<f32, 128>;    // [KB][QT]
var<workgroup> dSs: array<f32, 128>;   // [KB][QT]
var<workgroup> tLse: array<f32, 8>;
var<workgroup> tDelta: array<f32, 8>;

@compute @workgroup_size(128, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let hd = headOf(wg.z, wg.y);
  let T = hd.T;
  let h = wg.y;
  let b = wg.z;
  let k0 = wg.x * KB;
  let C = hd.C;
  let obase = hd.obase;
  let sbase = (b * p.H + h) * T;      // lse/delta of (b, h, 0)
  let len = validLen(b, tid);
  let r = tid / LANES;
  let c = tid % LANES;
  let j = k0 + r;

  for (var e = tid; e < KB * HD; e += 128u) {
    let kv = loadKV(hd, k0 + e / HD, e % HD);
    Ks[e / HD * PAD + e % HD] = kv.x;
    Vs[e / HD * PAD + e % HD] = kv.y;
  }

  var dk: array<f32, 8>;
  var dv: array<f32, 8>;
  for (var jj = 0u; jj < 8u; jj++) { dk[jj] = 0.0; dv[jj] = 0.0; }

  // No query sees a key >= len; with CAUSAL only queries i >= k0 see this block.
  var iStart = 0u;
  if (CAUSAL) { iStart = k0 - k0 % QT; }
  var iEnd = T;
  if (k0 >= len) { iEnd = iStart; }

  // One (P, dS) entry per thread: key r2 = tid / QT, query ii2 = tid % QT.
  let r2 = tid / QT;
  let ii2 = tid % QT;
  let j2 = k0 + r2;
  for (var i0 = iStart; i0 < iEnd; i0 += QT) {
    workgroupBarrier();  // previous tile fully consumed (and Ks/Vs written, first time)
    for (var e = tid; e < QT * HD; e += 128u) {
      let ii = e / HD; let dd = e % HD;
      var gv = 0.0;
      if (i0 + ii < T) { gv = dout[obase + (i0 + ii) * C + dd]; }
      Qs[ii * PAD + dd] = loadQ(hd, i0 + ii, dd);
      dOs[ii * PAD + dd] = gv;
    }
    if (tid < QT) {
      var lv = 0.0; var dl = 0.0;
      if (i0 + tid < T) { lv = lse[sbase + i0 + tid]; dl = delta[sbase + i0 + tid]; }
      tLse[tid] = lv;
      tDelta[tid] = dl;
    }
    workgroupBarrier();
    let i = i0 + ii2;
    var pr = 0.0;
    var ds = 0.0;
    if (i < T && visible(i, j2, len)) {
      var s = 0.0;
      var dp = 0.0;
      for (var dd = 0u; dd < HD; dd++) {
        s = fma(Qs[ii2 * PAD + dd], Ks[r2 * PAD + dd], s);
        dp = fma(dOs[ii2 * PAD + dd], Vs[r2 * PAD + dd], dp);
      }
      pr = exp(s - tLse[ii2]);
      ds = pr * (dp - tDelta[ii2]);
    }
    Ps[r2 * QT + ii2] = pr;
    dSs[r2 * QT + ii2] = ds;
    workgroupBarrier();
    for (var ii = 0u; ii < QT; ii++) {
      let pv = Ps[r * QT + ii];
      let g = dSs[r * QT + ii];
      for (var jj = 0u; jj < 8u; jj++) {
        let dd = c + jj * LANES;
        if (dd < HD) {
          dv[jj] = fma(pv, dOs[ii * PAD + dd], dv[jj]);
          dk[jj] = fma(g, Qs[ii * PAD + dd], dk[jj]);  // Qs is pre-scaled: this is scale·Σ dS q
        }
      }
    }
  }

  if (j < T) {
    let o = hd.base + j * hd.row3 + C;
    for (var jj = 0u; jj < 8u; jj++) {
      let dd = c + jj * LANES;
      if (dd < HD) {
        dqkv[o + dd] += dk[jj];
        dqkv[o + C + dd] += dv[jj];
      }
    }
  }
}
