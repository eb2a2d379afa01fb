// SigLIP backward, one direction, TILED: recomputes each tile instead of storing B×B.
//   s = exp(t'),  u_ij = s · Q_i · K_j + b,  z_ij = +1 if i = j else −1
//   H_ij = dLoss/du_ij = −z_ij · σ(−z_ij u_ij) / B
//   dQ_i += g · s · Σ_j H_ij K_j
//   part[2i] = Σ_j H_ij · s · Q_i·K_j  (row i's share of dLoss/dt'),  part[2i+1] = Σ_j H_ij  (of dLoss/db)
// Row pass: Q = img, K = txt → dImg (and part, WRITE_PART). Column pass: Q = txt, K = img → dTxt
// (H is symmetric under the swap). dT' = g · Σ part[2i], db = g · Σ part[2i+1] (loss_reduce.wgsl, stride 2).
//
// Bindings: 0 uniforms {B, D, g}, 1 logT (1), 2 bias (1), 3 Q (B, D), 4 K (B, D), 5 dQ (B, D) (accumulated),
//           6 part (2B) (written when WRITE_PART; else a bound dummy).
// Overrides: WRITE_PART; DK = ceil(D / 8) ≤ 32 (register accumulators per thread, unrolled).
// Tiling:   a workgroup owns R = 32 rows and sweeps column tiles of C = 64. Dots: 16×16 threads, each a
//           2×4 block (rows ty·2…+1, cols tx·4…+3), D-chunks of 16 staged in Xs/Ys. H goes to Hs[row][col].
//           Then dQ: thread (r = tid / 8, lane = tid % 8) owns dQ[row0 + r, lane + 8k] for k < DK and
//           accumulates Σ_c Hs[r][c] · K[col0 + c, ·] in registers; it alone writes those elements.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
override WRITE_PART: bool = false;
override DK: u32 = 32u;

struct Params {
  B: u32,
  D: u32,
  g: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> Q: array<f32>;
@group(0) @binding(4) var<storage, read> K: array<f32>;
@group(0) @binding(5) var<storage, read_write> dQ: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;

const R = 32u;
const C = 64u;
const KC = 16u;

var<workgroup> Xs: array<array<f32, 33>, 16>; // [k][row]; reused as [tx][row] for the dt' merge
var<workgroup> Ys: array<array<f32, 65>, 16>; // [k][col]; reused as [tx][row] for the db merge
var<workgroup> Hs: array<array<f32, 65>, 32>; // [row][col] H tile

fn loadQ(r: u32, k: u32) -> f32 {
  if (r >= p.B || k >= p.D) { return 0.0; }
  return Q[r * p.D + k];
}

fn loadK(c: u32, k: u32) -> f32 {
  if (c >= p.B || k >= p.D) { return 0.0; }
  return K[c * p.D + k];
}

// Q[row0 + ty·2 + i] · K[col0 + tx·4 + j] for this thread's 2×4 block (0 outside the matrix).
fn tileDots(row0: u32, col0: u32, tid: u32) -> array<array<f32, 4>, 2> {
  let ty = tid / 16u;
  let tx = tid % 16u;
  var acc: array<array<f32, 4>, 2>;
  for (var k0 = 0u; k0 < p.D; k0 += KC) {
    for (var r = 0u; r < 2u; r++) {
      let e = tid + r * 256u;
      Xs[e % KC][e / KC] = loadQ(row0 + e / KC, k0 + e % KC);
    }
    for (var r = 0u; r < 4u; r++) {
      let e = tid + r * 256u;
      Ys[e % KC][e / KC] = loadK(col0 + e / KC, k0 + e % KC);
    }
    workgroupBarrier();
    for (var k = 0u; k < KC; k++) {
      let a0 = Xs[k][ty * 2u];
      let a1 = Xs[k][ty * 2u + 1u];
      for (var j = 0u; j < 4u; j++) {
        let b = Ys[k][tx * 4u + j];
        acc[0][j] = fma(a0, b, acc[0][j]);
        acc[1][j] = fma(a1, b, acc[1][j]);
      }
    }
    workgroupBarrier();
  }
  return acc;
}

// σ(x) without overflow for any sign.
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

@compute @workgroup_size(256)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let row0 = (wg.x + wg.y * nwg.x) * R;
  if (row0 >= p.B) { return; }
  let ty = tid / 16u;
  let tx = tid % 16u;
  let s = exp(logT[0]);
  let b = bias[0];
  let invB = 1.0 / f32(p.B);

  var pt: array<f32, 2>;   // this thread's share of part[2·row] for its 2 rows
  var pb: array<f32, 2>;   // … and of part[2·row + 1]
  let r = tid / 8u;        // dQ ownership: row r of the block, columns lane + 8k
  let lane = tid % 8u;
  var dacc: array<f32, 32>;

  let nTiles = (p.B + C - 1u) / C;
  for (var ct = 0u; ct < nTiles; ct++) {
    let col0 = ct * C;
    let acc = tileDots(row0, col0, tid);
    for (var i = 0u; i < 2u; i++) {
      let row = row0 + ty * 2u + i;
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + tx * 4u + j;
        var h = 0.0;
        if (row < p.B && col < p.B) {
          let l = s * acc[i][j];
          let u = l + b;
          // z = +1: −σ(−u);  z = −1: +σ(u).
          h = select(sigmoid(u), -sigmoid(-u), row == col) * invB;
          pt[i] = fma(h, l, pt[i]);
          pb[i] += h;
        }
        Hs[ty * 2u + i][tx * 4u + j] = h;
      }
    }
    workgroupBarrier();
    let nc = min(C, p.B - col0);
    for (var c = 0u; c < nc; c++) {
      let hv = Hs[r][c];
      let kb = (col0 + c) * p.D + lane;
      for (var k = 0u; k < DK; k++) {
        if (lane + 8u * k < p.D) { dacc[k] = fma(hv, K[kb + 8u * k], dacc[k]); }
      }
    }
    workgroupBarrier(); // Hs is rewritten by the next tile
  }

  let row = row0 + r;
  if (row < p.B) {
    let scale = p.g * s;
    for (var k = 0u; k < DK; k++) {
      let d = lane + 8u * k;
      if (d < p.D) { dQ[row * p.D + d] += scale * dacc[k]; }
    }
  }

  if (WRITE_PART) {
    for (var i = 0u; i < 2u; i++) {
      Xs[tx][ty * 2u + i] = pt[i];
      Ys[tx][ty * 2u + i] = pb[i];
    }
    workgroupBarrier();
    if (tid < R && row0 + tid < p.B) {
      var st = 0.0;
      var sb = 0.0;
      for (var k = 0u; k < 16u; k++) {
        st += Xs[k][tid];
        sb += Ys[k][tid];
      }
      part[2u * (row0 + tid)] = st;
      part[2u * (row0 + tid) + 1u] = sb;
    }
  }
}
