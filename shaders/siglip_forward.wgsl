// SigLIP forward, TILED: per-row sums of the pairwise sigmoid loss without storing B×B.
//   s = exp(t'),  u_ij = s · x_i · y_j + b,  z_ij = +1 if i = j else −1
//   part_i = Σ_j −log σ(z_ij u_ij) = Σ_j softplus(−z_ij u_ij)
// loss = (1/B) Σ_i part_i is then summed by loss_reduce.wgsl (deterministic).
//
// Bindings: 0 uniforms {B, D}, 1 logT (1), 2 bias (1), 3 img (B, D), 4 txt (B, D), 5 part (B) (written).
// Tiling:   a workgroup owns R = 32 rows and sweeps column tiles of C = 64. 256 threads as 16×16: thread
//           (ty, tx) holds the 2×4 dot products of rows ty·2…+1, cols tx·4…+3, computed from D-chunks of
//           16 staged in Xs[k][row], Ys[k][col]. Each thread sums its columns per row; the 16 partials of a
//           row are then added in a fixed order by one invocation.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
struct Params {
  B: u32,
  D: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> Q: array<f32>;
@group(0) @binding(4) var<storage, read> K: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

const R = 32u;
const C = 64u;
const KC = 16u;

var<workgroup> Xs: array<array<f32, 33>, 16>; // [k][row]; reused as [tx][row] for the merge
var<workgroup> Ys: array<array<f32, 65>, 16>; // [k][col]

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

// log(1 + e) for e in [0, 1], accurate for tiny e (WGSL has no log1p).
fn log1pSmall(e: f32) -> f32 {
  if (e < 1e-3) { return e * (1.0 - e * (0.5 - e / 3.0)); }
  return log(1.0 + e);
}

// softplus(x) = log(1 + exp(x)), stable for any sign.
fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log1pSmall(exp(-abs(x)));
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

  var ps: array<f32, 2>;
  let nTiles = (p.B + C - 1u) / C;
  for (var ct = 0u; ct < nTiles; ct++) {
    let col0 = ct * C;
    let acc = tileDots(row0, col0, tid);
    for (var i = 0u; i < 2u; i++) {
      let row = row0 + ty * 2u + i;
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + tx * 4u + j;
        if (col < p.B) {
          let u = fma(s, acc[i][j], b);
          ps[i] += softplus(select(u, -u, row == col));
        }
      }
    }
  }

  for (var i = 0u; i < 2u; i++) { Xs[tx][ty * 2u + i] = ps[i]; }
  workgroupBarrier();
  if (tid < R && row0 + tid < p.B) {
    var sum = 0.0;
    for (var k = 0u; k < 16u; k++) { sum += Xs[k][tid]; }
    part[row0 + tid] = sum;
  }
}
