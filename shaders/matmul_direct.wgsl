// Barrier-free batched matmul for small K (the shapes of ShareLab's small models): same contract
// as matmul.wgsl (see there: TRANS_A, TRANS_B, HAS_BIAS, ACCUMULATE, bindings, strides).
// No workgroup memory and no barriers: each invocation computes a 4×4 block of C reading A and B
// straight from global memory (cached). Software Vulkan (SwiftShader) runs a barrier as a fiber
// switch per invocation, which made the tiled kernel ~10× slower than this one at K ≤ 256; on real
// GPUs the tiled kernel wins for large K, so the launcher picks by K.
// Grid: (ceil(N/32), ceil(M/32), batch) with 8×8 invocations per workgroup.
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;

struct Params {
  M: u32, N: u32, K: u32,
  strideA: u32, strideB: u32, strideC: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let row0 = wg.y * 32u + lid.y * 4u;
  let col0 = wg.x * 32u + lid.x * 4u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  // Clamp indices for loads so edge threads stay in bounds; their extra results are not stored.
  var ra: array<u32, 4>;
  var cb: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    ra[i] = min(row0 + i, p.M - 1u);
    cb[i] = min(col0 + i, p.N - 1u);
  }
  let baseA = b * p.strideA;
  let baseB = b * p.strideB;
  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }
  for (var k = 0u; k < p.K; k++) {
    var a: array<f32, 4>;
    var bv: array<f32, 4>;
    for (var i = 0u; i < 4u; i++) {
      if (TRANS_A) { a[i] = A[baseA + k * p.M + ra[i]]; } else { a[i] = A[baseA + ra[i] * p.K + k]; }
    }
    for (var j = 0u; j < 4u; j++) {
      if (TRANS_B) { bv[j] = B[baseB + cb[j] * p.K + k]; } else { bv[j] = B[baseB + k * p.N + cb[j]]; }
    }
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], bv[j], acc[i][j]); }
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
