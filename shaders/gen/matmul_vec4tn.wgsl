// Barrier-free vec4 matmul C = alpha · Aᵀ·B (+ bias[n] if HAS_BIAS) (+ C if ACCUMULATE), batched:
// the weight gradient dW = dYᵀ·X of a linear layer (A (K, M) read as vec4 along M).
// A is (K, M), B (K, N), C (M, N), all row-major; batch b reads A at b·strideA, B at b·strideB and
// writes C at b·strideC. Preconditions (launcher, src/kernels/matmul.ts): N % 4 == 0, M % 4 == 0, strides % 4 == 0;
// tensor offsets are 256-byte aligned, so the vec4 views are aligned.
//
// Bindings: 0 uniforms (M, N, K, strideA, strideB, strideC, alpha), 1 A (vec4, read), 2 B (vec4, read),
//           3 C (vec4, read_write), 4 bias (f32, read; a 1-element dummy when HAS_BIAS is false).
// Blocking: each invocation owns a 16×8 block of C (16 rows × 2 vec4 columns) in registers;
//           per k: 4 vec4 load(s) of A (16 consecutive m), 2 of B, 32 vec4 fma (an outer product).
//           Block loops are written out by hand (shaders/gen/gen_matmul_wgsl.py): SwiftShader keeps function-scope arrays
//           indexed in a loop in memory (a gather per access), and it is load-bound here (each storage
//           load is a per-lane gather plus a robustness clamp), so loads per fma set the speed. The block
//           shape is the fastest measured on SwiftShader (bench/results/swiftshader.md).
// Grid: (ceil(N/(8·WX)), ceil(M/(16·WY)), batch), workgroup (WX, WY) from the launcher. Edge blocks
// clamp their load indices (their extra results are not stored); EXACT (M % (16·WY) == 0 and
// N % (8·WX) == 0) drops the clamps.
// ROW_SUM (Aᵀ·B, batch 1): also rowSum[m] += alpha · Σ_k A[k, m] — the bias gradient Σ_n dY[n, :] of a linear
// layer fused into its weight gradient (binding 5, (M) as vec4); the sums ride along the K loop's A loads.
override HAS_BIAS: bool = false;
override ROW_SUM: bool = false;
override ACCUMULATE: bool = false;
override EXACT: bool = false;
override WX: u32 = 8u;
override WY: u32 = 8u;

struct Params {
  M: u32, N: u32, K: u32,
  strideA: u32, strideB: u32, strideC: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> rowSum: array<vec4<f32>>;

fn store(b: u32, m: u32, c4: u32, acc: vec4<f32>) {
  let N4 = p.N / 4u;
  if (m >= p.M || c4 >= N4) { return; }
  var v = p.alpha * acc;
  if (HAS_BIAS) { v += vec4<f32>(bias[4u * c4], bias[4u * c4 + 1u], bias[4u * c4 + 2u], bias[4u * c4 + 3u]); }
  let idx = (b * p.strideC) / 4u + m * N4 + c4;
  if (ACCUMULATE) { v += C[idx]; }
  C[idx] = v;
}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let m0 = (wg.y * WY + lid.y) * 16u;
  let c0 = (wg.x * WX + lid.x) * 2u; // first vec4 column
  let N4 = p.N / 4u;
  if (m0 >= p.M || c0 >= N4) { return; }
  // Further vec4 columns, clamped unless EXACT (their extra results are not stored).
  var c1 = c0 + 1u;
  if (!EXACT) { c1 = min(c1, N4 - 1u); }
  var ib = (b * p.strideB) / 4u;
  var a0_0 = vec4<f32>(0.0); var a0_1 = vec4<f32>(0.0);
  var a1_0 = vec4<f32>(0.0); var a1_1 = vec4<f32>(0.0);
  var a2_0 = vec4<f32>(0.0); var a2_1 = vec4<f32>(0.0);
  var a3_0 = vec4<f32>(0.0); var a3_1 = vec4<f32>(0.0);
  var a4_0 = vec4<f32>(0.0); var a4_1 = vec4<f32>(0.0);
  var a5_0 = vec4<f32>(0.0); var a5_1 = vec4<f32>(0.0);
  var a6_0 = vec4<f32>(0.0); var a6_1 = vec4<f32>(0.0);
  var a7_0 = vec4<f32>(0.0); var a7_1 = vec4<f32>(0.0);
  var a8_0 = vec4<f32>(0.0); var a8_1 = vec4<f32>(0.0);
  var a9_0 = vec4<f32>(0.0); var a9_1 = vec4<f32>(0.0);
  var a10_0 = vec4<f32>(0.0); var a10_1 = vec4<f32>(0.0);
  var a11_0 = vec4<f32>(0.0); var a11_1 = vec4<f32>(0.0);
  var a12_0 = vec4<f32>(0.0); var a12_1 = vec4<f32>(0.0);
  var a13_0 = vec4<f32>(0.0); var a13_1 = vec4<f32>(0.0);
  var a14_0 = vec4<f32>(0.0); var a14_1 = vec4<f32>(0.0);
  var a15_0 = vec4<f32>(0.0); var a15_1 = vec4<f32>(0.0);
  // A (K, M): row k holds m0…m0+3 in one vec4 (M % 4 == 0: a 4-row group is whole or absent).
  let M4 = p.M / 4u;
  var ia = (b * p.strideA) / 4u + m0 / 4u;
  var g1 = 1u;
  var g2 = 2u;
  var g3 = 3u;
  if (!EXACT) { g1 = min(g1, M4 - 1u - m0 / 4u); g2 = min(g2, M4 - 1u - m0 / 4u); g3 = min(g3, M4 - 1u - m0 / 4u); }
  var rs0 = vec4<f32>(0.0); var rs1 = vec4<f32>(0.0); var rs2 = vec4<f32>(0.0); var rs3 = vec4<f32>(0.0);
  for (var k = 0u; k < p.K; k++) {
    let av0 = A[ia]; let av1 = A[ia + g1]; let av2 = A[ia + g2]; let av3 = A[ia + g3];
    let b0 = B[ib + c0]; let b1 = B[ib + c1];
    a0_0 = fma(vec4<f32>(av0.x), b0, a0_0); a0_1 = fma(vec4<f32>(av0.x), b1, a0_1);
    a1_0 = fma(vec4<f32>(av0.y), b0, a1_0); a1_1 = fma(vec4<f32>(av0.y), b1, a1_1);
    a2_0 = fma(vec4<f32>(av0.z), b0, a2_0); a2_1 = fma(vec4<f32>(av0.z), b1, a2_1);
    a3_0 = fma(vec4<f32>(av0.w), b0, a3_0); a3_1 = fma(vec4<f32>(av0.w), b1, a3_1);
    a4_0 = fma(vec4<f32>(av1.x), b0, a4_0); a4_1 = fma(vec4<f32>(av1.x), b1, a4_1);
    a5_0 = fma(vec4<f32>(av1.y), b0, a5_0); a5_1 = fma(vec4<f32>(av1.y), b1, a5_1);
    a6_0 = fma(vec4<f32>(av1.z), b0, a6_0); a6_1 = fma(vec4<f32>(av1.z), b1, a6_1);
    a7_0 = fma(vec4<f32>(av1.w), b0, a7_0); a7_1 = fma(vec4<f32>(av1.w), b1, a7_1);
    a8_0 = fma(vec4<f32>(av2.x), b0, a8_0); a8_1 = fma(vec4<f32>(av2.x), b1, a8_1);
    a9_0 = fma(vec4<f32>(av2.y), b0, a9_0); a9_1 = fma(vec4<f32>(av2.y), b1, a9_1);
    a10_0 = fma(vec4<f32>(av2.z), b0, a10_0); a10_1 = fma(vec4<f32>(av2.z), b1, a10_1);
    a11_0 = fma(vec4<f32>(av2.w), b0, a11_0); a11_1 = fma(vec4<f32>(av2.w), b1, a11_1);
    a12_0 = fma(vec4<f32>(av3.x), b0, a12_0); a12_1 = fma(vec4<f32>(av3.x), b1, a12_1);
    a13_0 = fma(vec4<f32>(av3.y), b0, a13_0); a13_1 = fma(vec4<f32>(av3.y), b1, a13_1);
    a14_0 = fma(vec4<f32>(av3.z), b0, a14_0); a14_1 = fma(vec4<f32>(av3.z), b1, a14_1);
    a15_0 = fma(vec4<f32>(av3.w), b0, a15_0); a15_1 = fma(vec4<f32>(av3.w), b1, a15_1);
    if (ROW_SUM) { rs0 += av0; rs1 += av1; rs2 += av2; rs3 += av3; }
    ia += M4;
    ib += N4;
  }
  // Row sums: one writer per row group (the invocations of vec4 column 0), batch 1 only (launcher).
  if (ROW_SUM && c0 == 0u) {
    rowSum[m0 / 4u] += p.alpha * rs0;
    if (m0 / 4u + 1u < M4) { rowSum[m0 / 4u + 1u] += p.alpha * rs1; }
    if (m0 / 4u + 2u < M4) { rowSum[m0 / 4u + 2u] += p.alpha * rs2; }
    if (m0 / 4u + 3u < M4) { rowSum[m0 / 4u + 3u] += p.alpha * rs3; }
  }

  store(b, m0 + 0u, c0 + 0u, a0_0); store(b, m0 + 0u, c0 + 1u, a0_1);
  store(b, m0 + 1u, c0 + 0u, a1_0); store(b, m0 + 1u, c0 + 1u, a1_1);
  store(b, m0 + 2u, c0 + 0u, a2_0); store(b, m0 + 2u, c0 + 1u, a2_1);
  store(b, m0 + 3u, c0 + 0u, a3_0); store(b, m0 + 3u, c0 + 1u, a3_1);
  store(b, m0 + 4u, c0 + 0u, a4_0); store(b, m0 + 4u, c0 + 1u, a4_1);
  store(b, m0 + 5u, c0 + 0u, a5_0); store(b, m0 + 5u, c0 + 1u, a5_1);
  store(b, m0 + 6u, c0 + 0u, a6_0); store(b, m0 + 6u, c0 + 1u, a6_1);
  store(b, m0 + 7u, c0 + 0u, a7_0); store(b, m0 + 7u, c0 + 1u, a7_1);
  store(b, m0 + 8u, c0 + 0u, a8_0); store(b, m0 + 8u, c0 + 1u, a8_1);
  store(b, m0 + 9u, c0 + 0u, a9_0); store(b, m0 + 9u, c0 + 1u, a9_1);
  store(b, m0 + 10u, c0 + 0u, a10_0); store(b, m0 + 10u, c0 + 1u, a10_1);
  store(b, m0 + 11u, c0 + 0u, a11_0); store(b, m0 + 11u, c0 + 1u, a11_1);
  store(b, m0 + 12u, c0 + 0u, a12_0); store(b, m0 + 12u, c0 + 1u, a12_1);
  store(b, m0 + 13u, c0 + 0u, a13_0); store(b, m0 + 13u, c0 + 1u, a13_1);
  store(b, m0 + 14u, c0 + 0u, a14_0); store(b, m0 + 14u, c0 + 1u, a14_1);
  store(b, m0 + 15u, c0 + 0u, a15_0); store(b, m0 + 15u, c0 + 1u, a15_1);
}
