// Barrier-free vec4 matmul C = alpha · A·B (+ bias[n] if HAS_BIAS) (+ C if ACCUMULATE), batched:
// the input gradient dX = dY·W of a linear layer (A (M, K) read as vec4 along K).
// A is (M, K), B (K, N), C (M, N), all row-major; batch b reads A at b·strideA, B at b·strideB and
// writes C at b·strideC. Preconditions (launcher, src/kernels/matmul.ts): N % 4 == 0, K % 4 == 0, strides % 4 == 0;
// tensor offsets are 256-byte aligned, so the vec4 views are aligned.
//
// Bindings: 0 uniforms (M, N, K, strideA, strideB, strideC, alpha), 1 A (vec4, read), 2 B (vec4, read),
//           3 C (vec4, read_write), 4 bias (f32, read; a 1-element dummy when HAS_BIAS is false).
// Blocking: each invocation owns a 4×8 block of C (4 rows × 2 vec4 columns) in registers;
//           per 4 k's: 4 vec4 loads of A (4 rows × 4 k), 8 of B, 32 vec4 fma.
//           Block loops are written out by hand (shaders/gen/gen_matmul_wgsl.py): SwiftShader keeps function-scope arrays
//           indexed in a loop in memory (a gather per access), and it is load-bound here (each storage
//           load is a per-lane gather plus a robustness clamp), so loads per fma set the speed. The block
//           shape is the fastest measured on SwiftShader (bench/results/swiftshader.md).
// Grid: (ceil(N/(8·WX)), ceil(M/(4·WY)), batch), workgroup (WX, WY) from the launcher. Edge blocks
// clamp their load indices (their extra results are not stored); EXACT (M % (4·WY) == 0 and
// N % (8·WX) == 0) drops the clamps.
override HAS_BIAS: bool = false;
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
  let m0 = (wg.y * WY + lid.y) * 4u;
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
  // A (M, K): rows read 4 k at a time (K % 4 == 0); rows past M clamped unless EXACT.
  let K4 = p.K / 4u;
  let baseA = (b * p.strideA) / 4u;
  var r1 = m0 + 1u;
  var r2 = m0 + 2u;
  var r3 = m0 + 3u;
  if (!EXACT) { r1 = min(r1, p.M - 1u); r2 = min(r2, p.M - 1u); r3 = min(r3, p.M - 1u); }
  let i0 = baseA + m0 * K4; let i1 = baseA + r1 * K4; let i2 = baseA + r2 * K4; let i3 = baseA + r3 * K4;
  for (var k4 = 0u; k4 < K4; k4++) {
    let x0 = A[i0 + k4]; let x1 = A[i1 + k4]; let x2 = A[i2 + k4]; let x3 = A[i3 + k4];
    let b00 = B[ib + c0]; let b01 = B[ib + c1]; ib += N4;
    let b10 = B[ib + c0]; let b11 = B[ib + c1]; ib += N4;
    let b20 = B[ib + c0]; let b21 = B[ib + c1]; ib += N4;
    let b30 = B[ib + c0]; let b31 = B[ib + c1]; ib += N4;
    a0_0 = fma(vec4<f32>(x0.x), b00, a0_0); a0_0 = fma(vec4<f32>(x0.y), b10, a0_0); a0_0 = fma(vec4<f32>(x0.z), b20, a0_0); a0_0 = fma(vec4<f32>(x0.w), b30, a0_0);
    a0_1 = fma(vec4<f32>(x0.x), b01, a0_1); a0_1 = fma(vec4<f32>(x0.y), b11, a0_1); a0_1 = fma(vec4<f32>(x0.z), b21, a0_1); a0_1 = fma(vec4<f32>(x0.w), b31, a0_1);
    a1_0 = fma(vec4<f32>(x1.x), b00, a1_0); a1_0 = fma(vec4<f32>(x1.y), b10, a1_0); a1_0 = fma(vec4<f32>(x1.z), b20, a1_0); a1_0 = fma(vec4<f32>(x1.w), b30, a1_0);
    a1_1 = fma(vec4<f32>(x1.x), b01, a1_1); a1_1 = fma(vec4<f32>(x1.y), b11, a1_1); a1_1 = fma(vec4<f32>(x1.z), b21, a1_1); a1_1 = fma(vec4<f32>(x1.w), b31, a1_1);
    a2_0 = fma(vec4<f32>(x2.x), b00, a2_0); a2_0 = fma(vec4<f32>(x2.y), b10, a2_0); a2_0 = fma(vec4<f32>(x2.z), b20, a2_0); a2_0 = fma(vec4<f32>(x2.w), b30, a2_0);
    a2_1 = fma(vec4<f32>(x2.x), b01, a2_1); a2_1 = fma(vec4<f32>(x2.y), b11, a2_1); a2_1 = fma(vec4<f32>(x2.z), b21, a2_1); a2_1 = fma(vec4<f32>(x2.w), b31, a2_1);
    a3_0 = fma(vec4<f32>(x3.x), b00, a3_0); a3_0 = fma(vec4<f32>(x3.y), b10, a3_0); a3_0 = fma(vec4<f32>(x3.z), b20, a3_0); a3_0 = fma(vec4<f32>(x3.w), b30, a3_0);
    a3_1 = fma(vec4<f32>(x3.x), b01, a3_1); a3_1 = fma(vec4<f32>(x3.y), b11, a3_1); a3_1 = fma(vec4<f32>(x3.z), b21, a3_1); a3_1 = fma(vec4<f32>(x3.w), b31, a3_1);
  }

  store(b, m0 + 0u, c0 + 0u, a0_0); store(b, m0 + 0u, c0 + 1u, a0_1);
  store(b, m0 + 1u, c0 + 0u, a1_0); store(b, m0 + 1u, c0 + 1u, a1_1);
  store(b, m0 + 2u, c0 + 0u, a2_0); store(b, m0 + 2u, c0 + 1u, a2_1);
  store(b, m0 + 3u, c0 + 0u, a3_0); store(b, m0 + 3u, c0 + 1u, a3_1);
}
