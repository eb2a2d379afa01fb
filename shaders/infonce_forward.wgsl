// InfoNCE forward, one direction: the log-sum-exp of every row of the logit matrix, TILED so the
// B×B logits never exist in memory (METHODS.md "Tiled computation").
//   s = exp(min(t, ln 100)),  l_ij = s · Q_i · K_j,  lse_i = log Σ_j exp(l_ij)
// Row pass: Q = img, K = txt → rowLse. Column pass: Q = txt, K = img → colLse (same kernel, swapped
// bindings, since colLse_j = log Σ_i exp(s · y_j · x_i)).
//
// Bindings: 0 uniforms {B, D}, 1 logT (1), 2 Q (B, D), 3 K (B, D), 4 lse (B) (written).
// Tiling:   a workgroup owns R = 32 rows and sweeps column tiles of C = 64. 256 threads as 16×16: thread
//           (ty, tx) holds the 2×4 logits of rows ty·2…+1, cols tx·4…+3 of the tile, computed from
//           D-chunks of 16 staged in workgroup memory (Xs[k][row], Ys[k][col]). Each thread keeps an
//           online (running max, running sum) per row over its columns; at the end the 16 partials of a
//           row are merged in a fixed order (deterministic) by one invocation, which writes lse.
// Shared:   shaders/lib/contrastive_tile.wgsl (tileDots, loadQ/loadK, Xs/Ys, sumXs), prepended by the launcher.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
struct Params { B: u32, D: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> Q: array<f32>;
@group(0) @binding(3) var<storage, read> K: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;

const LN100 = 4.605170185988092;
// Finite "minus infinity": exp(NEG − m) is 0 and NEG − NEG is 0, so empty partials never make NaN.
const NEG = -1e30;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = (wg.x + wg.y * nwg.x) * R;   // this workgroup's first row
  if (row0 >= p.B) { return; }
  let ty = tid / 16u;                      // this thread's 2×4 block of each tile (tileDots)
  let tx = tid % 16u;
  let s = exp(min(logT[0], LN100));

  var m = array<f32, 2>(NEG, NEG);
  var l = array<f32, 2>(0.0, 0.0);
  let nTiles = (p.B + C - 1u) / C;
  for (var t = 0u; t < nTiles; t++) {
    let col0 = t * C;
    let acc = tileDots(row0, col0, tid);
    for (var i = 0u; i < 2u; i++) {
      var mt = NEG;
      for (var j = 0u; j < 4u; j++) {
        if (col0 + tx * 4u + j < p.B) { mt = max(mt, s * acc[i][j]); }
      }
      let mn = max(m[i], mt);
      var sum = l[i] * exp(m[i] - mn);
      for (var j = 0u; j < 4u; j++) {
        if (col0 + tx * 4u + j < p.B) { sum += exp(s * acc[i][j] - mn); }
      }
      m[i] = mn;
      l[i] = sum;
    }
  }

  // tileDots ends with a barrier, so Xs/Ys are free for the merge.
  for (var i = 0u; i < 2u; i++) {
    Xs[tx][ty * 2u + i] = m[i];
    Ys[tx][ty * 2u + i] = l[i];
  }
  workgroupBarrier();
  if (tid < R && row0 + tid < p.B) {
    var M = NEG;
    for (var k = 0u; k < 16u; k++) { M = max(M, Xs[k][tid]); }
    var L = 0.0;
    for (var k = 0u; k < 16u; k++) { L += Ys[k][tid] * exp(Xs[k][tid] - M); }
    lse[row0 + tid] = M + log(L);
  }
}
