// Barrier-free LayerNorm (same math and contract as layernorm_forward/backward/params_backward.wgsl):
// one invocation per row (forward, dx) or per column (dgamma, dbeta), looping serially. No workgroup
// memory and no barriers, which software Vulkan (SwiftShader) executes very slowly; chosen by the
// launcher for software adapters and narrow rows.
// Bindings per entry point:
//   forward:   0 {N, C, eps}, 1 x, 2 gamma, 3 beta, 4 y, 5 mean, 6 rstd          grid ceil(N/64)
//   backward:  0 {N, C},      1 x, 2 gamma, 3 mean, 4 rstd, 5 dy, 6 dx (+=)        grid ceil(N/64)
//   params:    0 {N, C},      1 x, 2 mean, 3 rstd, 4 dy, 5 dgamma (+=), 6 dbeta (+=)  grid ceil(C/64)
// 1-D grids, folded by the runtime past 65,535 workgroups.
struct Params { N: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> b1: array<f32>;
@group(0) @binding(2) var<storage, read_write> b2: array<f32>;
@group(0) @binding(3) var<storage, read_write> b3: array<f32>;
@group(0) @binding(4) var<storage, read_write> b4: array<f32>;
@group(0) @binding(5) var<storage, read_write> b5: array<f32>;
@group(0) @binding(6) var<storage, read_write> b6: array<f32>;

fn index(wg: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 {
  return (wg.x + wg.y * nwg.x) * 64u + li;
}

// x = b1, gamma = b2, beta = b3, y = b4, mean = b5, rstd = b6
@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = index(wg, nwg, li);
  if (n >= p.N) { return; }
  let o = n * p.C;
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += b1[o + c]; }
  let m = s / f32(p.C);
  var v = 0.0;
  for (var c = 0u; c < p.C; c++) { let d = b1[o + c] - m; v = fma(d, d, v); }
  let r = inverseSqrt(v / f32(p.C) + p.eps);
  for (var c = 0u; c < p.C; c++) { b4[o + c] = (b1[o + c] - m) * r * b2[c] + b3[c]; }
  b5[n] = m;
  b6[n] = r;
}

// x = b1, gamma = b2, mean = b3, rstd = b4, dy = b5, dx = b6 (+=)
// dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)),  g = dy · gamma
@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let n = index(wg, nwg, li);
  if (n >= p.N) { return; }
  let o = n * p.C;
  let m = b3[n];
  let r = b4[n];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let g = b5[o + c] * b2[c];
    sg += g;
    sgx = fma(g, (b1[o + c] - m) * r, sgx);
  }
  let mg = sg / f32(p.C);
  let mgx = sgx / f32(p.C);
  for (var c = 0u; c < p.C; c++) {
    let g = b5[o + c] * b2[c];
    let xh = (b1[o + c] - m) * r;
    b6[o + c] += r * (g - mg - xh * mgx);
  }
}

// x = b1, mean = b2, rstd = b3, dy = b4, dgamma = b5 (+=), dbeta = b6 (+=)
@compute @workgroup_size(64)
fn params(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let c = index(wg, nwg, li);
  if (c >= p.C) { return; }
  var dg = 0.0;
  var db = 0.0;
  for (var n = 0u; n < p.N; n++) {
    let d = b4[n * p.C + c];
    dg = fma(d, (b1[n * p.C + c] - b2[n]) * b3[n], dg);
    db += d;
  }
  b5[c] += dg;
  b6[c] += db;
}
