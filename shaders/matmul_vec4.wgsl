// vec4 fast path of the barrier-free matmul for C = alpha · A · Bᵀ (+ bias) (+ C) when K % 4 == 0:
// the linear-layer forward (x (M,K) · W (N,K)ᵀ), ShareLab's most frequent matmul. Both operands are
// read along K, four floats per load, and each invocation accumulates a 4×4 block with dot().
// A is (batch, M, K) and B is (batch, N, K) as vec4 arrays (K/4 per row); tensor offsets are
// 256-byte aligned, so the vec4 views are aligned. Same uniforms, bindings and overrides as
// matmul_direct.wgsl (TRANS_A/TRANS_B are implied: false/true). Grid: (ceil(N/32), ceil(M/32), batch).
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;

struct Params {
  M: u32, N: u32, K: u32,
  strideA: u32, strideB: u32, strideC: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let row0 = wg.y * 32u + lid.y * 4u;
  let col0 = wg.x * 32u + lid.x * 4u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  let K4 = p.K / 4u;
  var ra: array<u32, 4>;
  var cb: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    ra[i] = (b * p.strideA) / 4u + min(row0 + i, p.M - 1u) * K4;
    cb[i] = (b * p.strideB) / 4u + min(col0 + i, p.N - 1u) * K4;
  }
  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }
  for (var k = 0u; k < K4; k++) {
    let a0 = A[ra[0] + k]; let a1 = A[ra[1] + k]; let a2 = A[ra[2] + k]; let a3 = A[ra[3] + k];
    for (var j = 0u; j < 4u; j++) {
      let bv = B[cb[j] + k];
      acc[0][j] += dot(a0, bv);
      acc[1][j] += dot(a1, bv);
      acc[2][j] += dot(a2, bv);
      acc[3][j] += dot(a3, bv);
    }
  }
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + i;
    if (m >= p.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + j;
      if (n >= p.N) { break; }
      var v = p.alpha * acc[i][j];
      if (HAS_BIAS) { v += bias[n]; }
      let idx = b * p.strideC + m * p.N + n;
      if (ACCUMULATE) { v += C[idx]; }
      C[idx] = v;
    }
  }
}
