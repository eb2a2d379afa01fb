// InfoNCE backward, one direction, TILED: recomputes each logit tile instead of storing B×B.
//   s = exp(min(t, ln 100)),  l_ij = s · Q_i · K_j
//   G_ij = (exp(l_ij − lseQ_i) + exp(l_ij − lseK_j) − 2·δ_ij) / (2B)      (dLoss/dl_ij of the symmetric loss)
//   dQ_i += g · s · Σ_j G_ij K_j
//   part_i = Σ_j G_ij · l_ij  (= s · Σ_j G_ij Q_i·K_j: row i's share of dLoss/dt; 0 when t > ln 100)
// Row pass: Q = img, K = txt, lseQ = rowLse, lseK = colLse → dImg (and part, WRITE_PART).
// Column pass: Q = txt, K = img, lseQ = colLse, lseK = rowLse → dTxt: G is symmetric under that swap,
// so dTxt_j = g · s · Σ_i G_ij x_i comes out of the same kernel. dT = g · Σ_i part_i (loss_reduce.wgsl).
//
// Bindings: 0 uniforms {B, D, g}, 1 logT (1), 2 Q (B, D), 3 K (B, D), 4 lseQ (B), 5 lseK (B),
//           6 dQ (B, D) (accumulated), 7 part (B) (written when WRITE_PART; else a bound dummy).
// Overrides: WRITE_PART; DK = ceil(D / 8) ≤ 32 (register accumulators per thread, unrolled).
// Tiling:   a workgroup owns R = 32 rows and sweeps column tiles of C = 64. Logits: 16×16 threads, each a
//           2×4 block (rows ty·2…+1, cols tx·4…+3), D-chunks of 16 staged in Xs/Ys. G goes to Gs[row][col].
//           Then dQ: thread (r = tid / 8, lane = tid % 8) owns dQ[row0 + r, lane + 8k] for k < DK and
//           accumulates Σ_c Gs[r][c] · K[col0 + c, ·] in registers; it alone writes those elements.
// Shared:   shaders/lib/contrastive_tile.wgsl + contrastive_grad.wgsl (Gs, accumulateDq, writeDq), prepended.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
struct Params { B: u32, D: u32, g: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> Q: array<f32>;
@group(0) @binding(3) var<storage, read> K: array<f32>;
@group(0) @binding(4) var<storage, read> lseQ: array<f32>;
@group(0) @binding(5) var<storage, read> lseK: array<f32>;
@group(0) @binding(6) var<storage, read_write> dQ: array<f32>;
@group(0) @binding(7) var<storage, read_write> part: array<f32>;

const LN100 = 4.605170185988092;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = (wg.x + wg.y * nwg.x) * R;   // this workgroup's first row
  if (row0 >= p.B) { return; }
  let ty = tid / 16u;                      // this thread's 2×4 block of each tile (tileDots)
  let tx = tid % 16u;
  let t = logT[0];
  let s = exp(min(t, LN100));
  let inv2B = 0.5 / f32(p.B);

  var lq: array<f32, 2>;
  for (var i = 0u; i < 2u; i++) {
    let row = row0 + ty * 2u + i;
    if (row < p.B) { lq[i] = lseQ[row]; }
  }
  var pt: array<f32, 2>;   // this thread's share of part for its 2 rows
  var dacc: array<f32, 32>; // this thread's dQ row tid / 8, columns tid % 8 + 8k (contrastive_grad)

  let nTiles = (p.B + C - 1u) / C;
  for (var ct = 0u; ct < nTiles; ct++) {
    let col0 = ct * C;
    let acc = tileDots(row0, col0, tid);
    for (var i = 0u; i < 2u; i++) {
      let row = row0 + ty * 2u + i;
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + tx * 4u + j;
        var gij = 0.0;
        if (row < p.B && col < p.B) {
          let l = s * acc[i][j];
          gij = (exp(l - lq[i]) + exp(l - lseK[col])) * inv2B;
          if (row == col) { gij -= 2.0 * inv2B; }
          pt[i] = fma(gij, l, pt[i]);
        }
        Gs[ty * 2u + i][tx * 4u + j] = gij;
      }
    }
    workgroupBarrier();
    accumulateDq(col0, tid, &dacc);
  }

  writeDq(row0, tid, p.g * s, &dacc);

  if (WRITE_PART) {
    for (var i = 0u; i < 2u; i++) { Xs[tx][ty * 2u + i] = pt[i]; }
    workgroupBarrier();
    if (tid < R && row0 + tid < p.B) {
      let sum = sumXs(tid);
      // min(t, ln 100) passes no gradient to t above the clamp.
      part[row0 + tid] = select(sum, 0.0, t > LN100);
    }
  }
}
