// Shared by the four tiled contrastive shaders (infonce_forward/backward, siglip_forward/backward);
// the launchers prepend it (src/kernels/wgsl.ts). The including shader declares `p` (with B, D),
// `Q` (B, D) and `K` (B, D).
// Tiling: a workgroup of 256 threads owns R = 32 rows and sweeps column tiles of C = 64. Thread
// (ty, tx) = (tid / 16, tid % 16) holds the 2×4 dot products of rows ty·2…+1, cols tx·4…+3 of the
// tile, computed from D-chunks of KC = 16 staged in workgroup memory (Xs[k][row], Ys[k][col]).
const R = 32u;
const C = 64u;
const KC = 16u;

var<workgroup> Xs: array<array<f32, 33>, 16>; // [k][row]; reused as [tx][row] for the row merges
var<workgroup> Ys: array<array<f32, 65>, 16>; // [k][col]; reused as [tx][row] for the row merges

fn loadQ(r: u32, k: u32) -> f32 {
  if (r >= p.B || k >= p.D) { return 0.0; }
  return Q[r * p.D + k];
}

fn loadK(c: u32, k: u32) -> f32 {
  if (c >= p.B || k >= p.D) { return 0.0; }
  return K[c * p.D + k];
}

// Q[row0 + ty·2 + i] · K[col0 + tx·4 + j] for this thread's 2×4 block (0 outside the matrix).
// Ends with a barrier, so Xs/Ys are free for the caller afterwards.
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

// Σ over the 16 tx-partials of block row `row` (written as Xs[tx][row] / Ys[tx][row] before a
// barrier), in a fixed order so the result is deterministic.
fn sumXs(row: u32) -> f32 {
  var sum = 0.0;
  for (var k = 0u; k < 16u; k++) { sum += Xs[k][row]; }
  return sum;
}

fn sumYs(row: u32) -> f32 {
  var sum = 0.0;
  for (var k = 0u; k < 16u; k++) { sum += Ys[k][row]; }
  return sum;
}
