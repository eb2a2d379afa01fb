// Barrier-free attention backward, part 2: one invocation per (b, h, key row j).
//   for every query i that sees key j:  p_ij = exp(scale·q_i·k_j − lse_i)
//     dv_j += p_ij dO_i;   ds_ij = p_ij (dO_i·v_j − Δ_i);   dk_j += scale · ds_ij q_i
// Keys j ≥ len[b] are masked for every query: they get no gradient.
// Bindings: 0 uniforms {T, H, scale, B}, 1 qkv, 2 dout, 3 lse, 4 scratch Δ (B,H,T), 5 dqkv (+=),
//           6 lengths. Grid as attention_direct_forward.wgsl.
override HD: u32 = 64u;
override CAUSAL: bool = false;
override HAS_LEN: bool = false;

struct Params { T: u32, H: u32, scale: f32, B: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(6) var<storage, read_write> lengths: array<i32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = (wg.x + wg.y * nwg.x) * 64u + li; // (b·H + h)·T + j
  if (row >= p.B * p.H * p.T) { return; }
  let j = row % p.T;
  let bh = row / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let C = p.H * HD;
  var len = p.T;
  if (HAS_LEN) { len = u32(clamp(lengths[b], 1, i32(p.T))); }
  if (j >= len) { return; }
  let ko = (b * p.T + j) * 3u * C + C + h * HD;
  let vo = ko + C;
  var k: array<f32, 64>;
  var v: array<f32, 64>;
  var dk: array<f32, 64>;
  var dv: array<f32, 64>;
  for (var d = 0u; d < HD; d++) { k[d] = qkv[ko + d]; v[d] = qkv[vo + d]; dk[d] = 0.0; dv[d] = 0.0; }
  var i0 = 0u;
  if (CAUSAL) { i0 = j; }
  for (var i = i0; i < p.T; i++) {
    let qo = (b * p.T + i) * 3u * C + h * HD;
    let go = (b * p.T + i) * C + h * HD;
    var s = 0.0;
    var dp = 0.0;
    for (var d = 0u; d < HD; d++) {
      s = fma(qkv[qo + d], k[d], s);
      dp = fma(dout[go + d], v[d], dp);
    }
    let r = bh * p.T + i;
    let pij = exp(s * p.scale - lse[r]);
    let ds = pij * (dp - delta[r]) * p.scale;
    for (var d = 0u; d < HD; d++) {
      dv[d] = fma(pij, dout[go + d], dv[d]);
      dk[d] = fma(ds, qkv[qo + d], dk[d]);
    }
  }
  for (var d = 0u; d < HD; d++) {
    dqkv[ko + d] += dk[d];
    dqkv[vo + d] += dv[d];
  }
}
