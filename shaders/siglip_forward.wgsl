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
// Shared:   shaders/lib/contrastive_tile.wgsl (tileDots, loadQ/loadK, Xs/Ys, sumXs), prepended by the launcher.
// Grid:     ceil(B / 32) workgroups (1-D; linearised as wg.x + wg.y · nwg.x when folded).
struct Params { B: u32, D: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> Q: array<f32>;
@group(0) @binding(4) var<storage, read> K: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

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
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = (wg.x + wg.y * nwg.x) * R;   // this workgroup's first row
  if (row0 >= p.B) { return; }
  let ty = tid / 16u;                      // this thread's 2×4 block of each tile (tileDots)
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
    let sum = sumXs(tid);
    part[row0 + tid] = sum;
  }
}
