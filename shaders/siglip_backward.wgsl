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
// Shared:   shaders/lib/contrastive_tile.wgsl + contrastive_grad.wgsl (Gs, accumulateDq, writeDq), prepended.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
struct Params { B: u32, D: u32, g: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> Q: array<f32>;
@group(0) @binding(4) var<storage, read> K: array<f32>;
@group(0) @binding(5) var<storage, read_write> dQ: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;

// σ(x) without overflow for any sign.
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = (wg.x + wg.y * nwg.x) * R;   // this workgroup's first row
  if (row0 >= p.B) { return; }
  let ty = tid / 16u;                      // this thread's 2×4 block of each tile (tileDots)
  let tx = tid % 16u;
  let s = exp(logT[0]);
  let b = bias[0];
  let invB = 1.0 / f32(p.B);

  var pt: array<f32, 2>;   // this thread's share of part[2·row] for its 2 rows
  var pb: array<f32, 2>;   // … and of part[2·row + 1]
  var dacc: array<f32, 32>; // this thread's dQ row tid / 8, columns tid % 8 + 8k (contrastive_grad)

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
        Gs[ty * 2u + i][tx * 4u + j] = h;
      }
    }
    workgroupBarrier();
    accumulateDq(col0, tid, &dacc);
  }

  writeDq(row0, tid, p.g * s, &dacc);

  if (WRITE_PART) {
    for (var i = 0u; i < 2u; i++) {
      Xs[tx][ty * 2u + i] = pt[i];
      Ys[tx][ty * 2u + i] = pb[i];
    }
    workgroupBarrier();
    if (tid < R && row0 + tid < p.B) {
      part[2u * (row0 + tid)] = sumXs(tid);
      part[2u * (row0 + tid) + 1u] = sumYs(tid);
    }
  }
}
