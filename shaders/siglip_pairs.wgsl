// SigLIP, CHUNKED variant: the pairwise part on one column chunk of the dot products, whose (B, nc)
// block S = X · Y[col0 : col0 + nc]ᵀ a matmul has just written (src/kernels/siglip.ts).
//   s = exp(t'),  l_ij = s · S_ij,  u_ij = l_ij + b,  z_ij = +1 if i = col0 + j else −1
//   LOSS: part[i·PS]     (+)= Σ_j softplus(−z_ij u_ij)                     (row i's share of B · loss)
//   GRAD: S_ij            := g · s · H_ij,  H_ij = −z_ij σ(−z_ij u_ij) / B   (in place: the next two
//                            matmuls' operand: dImg += S·Y_c, dTxt_c += Sᵀ·X)
//         part[i·PS + o]     (+)= Σ_j H_ij · l_ij  (dLoss/dt' share),  part[i·PS + o + 1] (+)= Σ_j H_ij  (dLoss/db)
// with o = 1 when LOSS else 0, PS = LOSS + 2·GRAD. "(+)=": the first chunk (p.first = 1) writes, later
// chunks add, in chunk order (deterministic). One exp per pair, plus one log for the loss: both σ and
// softplus come from e = exp(−|u|).
//
// Bindings: 0 uniforms {B, nc, col0, first, g}, 1 logT (1), 2 bias (1), 3 S (B, nc) (read_write),
//           4 part (PS·B) (read_write).
// Overrides: LOSS, GRAD (at least one).
// Threads:  one invocation per row (barrier-free: SwiftShader runs a barrier as a fibre switch per
//           invocation); 64 per workgroup; grid ceil(B / 64) (1-D; linearised wg.x + wg.y · nwg.x when folded).
override LOSS: bool = true;
override GRAD: bool = false;

struct Params { B: u32, nc: u32, col0: u32, first: u32, g: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> S: array<f32>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;

// log(1 + e) for e in [0, 1], accurate for tiny e (WGSL has no log1p).
fn log1pSmall(e: f32) -> f32 {
  if (e < 1e-3) { return e * (1.0 - e * (0.5 - e / 3.0)); }
  return log(1.0 + e);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 64u + lid;
  if (i >= p.B) { return; }
  let s = exp(logT[0]);
  let b = bias[0];
  let invB = 1.0 / f32(p.B);
  let gs = p.g * s;
  let PS = select(0u, 1u, LOSS) + select(0u, 2u, GRAD);
  let oT = select(0u, 1u, LOSS);
  var ls = 0.0;  // Σ softplus
  var ts = 0.0;  // Σ H·l
  var bs = 0.0;  // Σ H
  let base = i * p.nc;
  for (var j = 0u; j < p.nc; j++) {
    let l = s * S[base + j];
    let u = l + b;
    let diag = p.col0 + j == i;
    let e = exp(-abs(u));
    if (LOSS) {
      // softplus(−z·u) = max(−z·u, 0) + log1p(e)
      ls += max(select(u, -u, diag), 0.0) + log1pSmall(e);
    }
    if (GRAD) {
      let r = 1.0 / (1.0 + e);
      let er = e * r;
      let pos = u >= 0.0;
      // +σ(u) off the diagonal, −σ(−u) on it; σ(u) = r if u ≥ 0 else e·r, σ(−u) the other one.
      let h = select(select(er, r, pos), -select(r, er, pos), diag) * invB;
      ts = fma(h, l, ts);
      bs += h;
      S[base + j] = gs * h;
    }
  }
  let keep = p.first == 0u;
  let o = i * PS;
  if (LOSS) { part[o] = select(0.0, part[o], keep) + ls; }
  if (GRAD) {
    part[o + oT] = select(0.0, part[o + oT], keep) + ts;
    part[o + oT + 1u] = select(0.0, part[o + oT + 1u], keep) + bs;
  }
}
