// Shared by the two tiled contrastive backward shaders (infonce_backward, siglip_backward), prepended
// after contrastive_tile.wgsl. The including shader declares `p` (B, D, g), `K` (B, D), `dQ` (B, D)
// (its overrides are declared here).
// Gs[row][col] holds the tile's dLoss/dlogit (R × C). dQ ownership: thread (r = tid / 8, lane = tid % 8)
// owns dQ[row0 + r, lane + 8k] for k < DK, accumulates Σ_c Gs[r][c] · K[col0 + c, ·] in registers and
// alone writes those elements.
override WRITE_PART: bool = false; // the row pass also writes the per-row parts of dLoss/dt (and db)
override DK: u32 = 32u;             // ceil(D / 8) ≤ 32 register accumulators per thread

var<workgroup> Gs: array<array<f32, 65>, 32>;

// Adds this tile's Σ_c Gs[r][c] · K[col0 + c, lane + 8k] into dacc. Call after the barrier that
// publishes Gs; ends with a barrier because Gs is rewritten by the next tile.
fn accumulateDq(col0: u32, tid: u32, dacc: ptr<function, array<f32, 32>>) {
  let r = tid / 8u;
  let lane = tid % 8u;
  let nc = min(C, p.B - col0);
  for (var c = 0u; c < nc; c++) {
    let gv = Gs[r][c];
    let kb = (col0 + c) * p.D + lane;
    for (var k = 0u; k < DK; k++) {
      if (lane + 8u * k < p.D) { (*dacc)[k] = fma(gv, K[kb + 8u * k], (*dacc)[k]); }
    }
  }
  workgroupBarrier();
}

// dQ[row0 + r, lane + 8k] += scale · dacc[k].
fn writeDq(row0: u32, tid: u32, scale: f32, dacc: ptr<function, array<f32, 32>>) {
  let row = row0 + tid / 8u;
  let lane = tid % 8u;
  if (row >= p.B) { return; }
  for (var k = 0u; k < DK; k++) {
    let d = lane + 8u * k;
    if (d < p.D) { dQ[row * p.D + d] += scale * (*dacc)[k]; }
  }
}
