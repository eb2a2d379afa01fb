// Barrier-free attention backward, part 1: one invocation per (b, h, query row i).
//   Δ_i = Σ_d dO_i·O_i  (written to scratch for part 2)
//   p_ij = exp(scale·q_i·k_j − lse_i),  dp_ij = dO_i·v_j,  ds_ij = p_ij (dp_ij − Δ_i)
//   dq_i += scale · Σ_j ds_ij k_j       (accumulated into dqkv's q channels)
// Bindings: 0 uniforms {T, H, scale, B}, 1 qkv, 2 out, 3 dout, 4 lse, 5 dqkv (+=), 6 scratch (B,H,T),
//           7 lengths. Grid as attention_direct_forward.wgsl.
override HD: u32 = 64u;
override CAUSAL: bool = false;
override HAS_LEN: bool = false;

struct Params { T: u32, H: u32, scale: f32, B: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(0) @binding(3) var<storage, read_write> dout: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(6) var<storage, read_write> delta: array<f32>;
@group(0) @binding(7) var<storage, read_write> lengths: array<i32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = (wg.x + wg.y * nwg.x) * 64u + li;
  if (row >= p.B * p.H * p.T) { return; }
  let i = row % p.T;
  let bh = row / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let C = p.H * HD;
  var len = p.T;
  if (HAS_LEN) { len = u32(clamp(lengths[b], 1, i32(p.T))); }
  var jmax = len;
  if (CAUSAL) { jmax = min(len, i + 1u); }
  let qo = (b * p.T + i) * 3u * C + h * HD;
  let oo = (b * p.T + i) * C + h * HD;
  var q: array<f32, 64>;
  var g: array<f32, 64>;
  var dq: array<f32, 64>;
  var dl = 0.0;
  for (var d = 0u; d < HD; d++) {
    q[d] = qkv[qo + d];
    g[d] = dout[oo + d];
    dl = fma(g[d], outp[oo + d], dl);
    dq[d] = 0.0;
  }
  delta[row] = dl;
  let L = lse[row];
  for (var j = 0u; j < jmax; j++) {
    let ko = (b * p.T + j) * 3u * C + C + h * HD;
    let vo = ko + C;
    var s = 0.0;
    var dp = 0.0;
    for (var d = 0u; d < HD; d++) {
      s = fma(q[d], qkv[ko + d], s);
      dp = fma(g[d], qkv[vo + d], dp);
    }
    let pij = exp(s * p.scale - L);
    let ds = pij * (dp - dl) * p.scale;
    for (var d = 0u; d < HD; d++) { dq[d] = fma(ds, qkv[ko + d], dq[d]); }
  }
  for (var d = 0u; d < HD; d++) { dqkv[qo + d] += dq[d]; }
}
