// InfoNCE forward, final scalar: the symmetric loss from the saved row/column log-sum-exps.
//   s = exp(min(t, ln 100)),  d_i = s · x_i · y_i  (the positive-pair logit)
//   loss = ½ [ mean_i(rowLse_i − d_i) + mean_j(colLse_j − d_j) ] = Σ_i (rowLse_i − d_i + colLse_i − d_i) / (2B)
// Bindings: 0 uniforms {B, D}, 1 logT (1), 2 img (B, D), 3 txt (B, D), 4 rowLse (B), 5 colLse (B),
//           6 loss (1) (written).
// One workgroup of 256: invocation k sums the terms i ≡ k (mod 256) in order, then a fixed tree
// reduction in workgroup memory, so the result is deterministic. O(B·D) work in total.
// Grid: 1.
struct Params {
  B: u32,
  D: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logT: array<f32>;
@group(0) @binding(2) var<storage, read> img: array<f32>;
@group(0) @binding(3) var<storage, read> txt: array<f32>;
@group(0) @binding(4) var<storage, read> rowLse: array<f32>;
@group(0) @binding(5) var<storage, read> colLse: array<f32>;
@group(0) @binding(6) var<storage, read_write> loss: array<f32>;

const LN100 = 4.605170185988092;

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) tid: u32) {
  let s = exp(min(logT[0], LN100));
  var acc = 0.0;
  for (var i = tid; i < p.B; i += 256u) {
    var dot = 0.0;
    for (var k = 0u; k < p.D; k++) { dot = fma(img[i * p.D + k], txt[i * p.D + k], dot); }
    let d = s * dot;
    acc += (rowLse[i] - d) + (colLse[i] - d);
  }
  red[tid] = acc;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (tid < w) { red[tid] += red[tid + w]; }
    workgroupBarrier();
  }
  if (tid == 0u) { loss[0] = red[0] / f32(2u * p.B); }
}
