// Barrier-free vec4 matmul C = alpha · A·Bᵀ (+ bias[n] if HAS_BIAS) (+ C if ACCUMULATE), batched: the
// linear-layer forward x (M, K) · W (N, K)ᵀ, ShareLab's most frequent matmul. Both operands are read
// along K, four floats per load. A (M, K), B (N, K), C (M, N) row-major; batch b reads A at b·strideA,
// B at b·strideB and writes C at b·strideC. Preconditions (launcher, src/kernels/matmul.ts): K % 4 == 0,
// strideA and strideB % 4 == 0 (A and B are bound as vec4 arrays; offsets are 256-byte aligned). Any M, N.
//
// Bindings: 0 uniforms (M, N, K, strideA, strideB, strideC, alpha), 1 A (vec4, read), 2 B (vec4, read),
//           3 C (f32, read_write), 4 bias (f32, read; a 1-element dummy when HAS_BIAS is false).
// Blocking: each invocation owns a 8×8 block of C, accumulated with dot() in 64 scalars; per K/4 step
//           8 + 8 vec4 loads and 64 dot(). Block loops are written out by hand (shaders/gen/gen_matmul_wgsl.py): SwiftShader
//           keeps function-scope arrays indexed in a loop in memory (a gather per access), and it is
//           load-bound here (each storage load is a per-lane gather plus a robustness clamp). The block
//           shape is the fastest measured on SwiftShader (bench/results/swiftshader.md).
// Grid: (ceil(N/(8·WX)), ceil(M/(8·WY)), batch), workgroup (WX, WY) from the launcher. Edge invocations
// clamp their load rows/columns and skip the extra stores.
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;
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
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

fn put(b: u32, m: u32, n: u32, acc: f32) {
  if (m >= p.M || n >= p.N) { return; }
  var v = p.alpha * acc;
  if (HAS_BIAS) { v += bias[n]; }
  let idx = b * p.strideC + m * p.N + n;
  if (ACCUMULATE) { v += C[idx]; }
  C[idx] = v;
}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let row0 = (wg.y * WY + lid.y) * 8u;
  let col0 = (wg.x * WX + lid.x) * 8u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  let K4 = p.K / 4u;
  let bA = (b * p.strideA) / 4u;
  let bB = (b * p.strideB) / 4u;
  let ra0 = bA + row0 * K4;
  let ra1 = bA + min(row0 + 1u, p.M - 1u) * K4;
  let ra2 = bA + min(row0 + 2u, p.M - 1u) * K4;
  let ra3 = bA + min(row0 + 3u, p.M - 1u) * K4;
  let ra4 = bA + min(row0 + 4u, p.M - 1u) * K4;
  let ra5 = bA + min(row0 + 5u, p.M - 1u) * K4;
  let ra6 = bA + min(row0 + 6u, p.M - 1u) * K4;
  let ra7 = bA + min(row0 + 7u, p.M - 1u) * K4;
  let cb0 = bB + col0 * K4;
  let cb1 = bB + min(col0 + 1u, p.N - 1u) * K4;
  let cb2 = bB + min(col0 + 2u, p.N - 1u) * K4;
  let cb3 = bB + min(col0 + 3u, p.N - 1u) * K4;
  let cb4 = bB + min(col0 + 4u, p.N - 1u) * K4;
  let cb5 = bB + min(col0 + 5u, p.N - 1u) * K4;
  let cb6 = bB + min(col0 + 6u, p.N - 1u) * K4;
  let cb7 = bB + min(col0 + 7u, p.N - 1u) * K4;
  var s0_0 = 0.0; var s0_1 = 0.0; var s0_2 = 0.0; var s0_3 = 0.0; var s0_4 = 0.0; var s0_5 = 0.0; var s0_6 = 0.0; var s0_7 = 0.0;
  var s1_0 = 0.0; var s1_1 = 0.0; var s1_2 = 0.0; var s1_3 = 0.0; var s1_4 = 0.0; var s1_5 = 0.0; var s1_6 = 0.0; var s1_7 = 0.0;
  var s2_0 = 0.0; var s2_1 = 0.0; var s2_2 = 0.0; var s2_3 = 0.0; var s2_4 = 0.0; var s2_5 = 0.0; var s2_6 = 0.0; var s2_7 = 0.0;
  var s3_0 = 0.0; var s3_1 = 0.0; var s3_2 = 0.0; var s3_3 = 0.0; var s3_4 = 0.0; var s3_5 = 0.0; var s3_6 = 0.0; var s3_7 = 0.0;
  var s4_0 = 0.0; var s4_1 = 0.0; var s4_2 = 0.0; var s4_3 = 0.0; var s4_4 = 0.0; var s4_5 = 0.0; var s4_6 = 0.0; var s4_7 = 0.0;
  var s5_0 = 0.0; var s5_1 = 0.0; var s5_2 = 0.0; var s5_3 = 0.0; var s5_4 = 0.0; var s5_5 = 0.0; var s5_6 = 0.0; var s5_7 = 0.0;
  var s6_0 = 0.0; var s6_1 = 0.0; var s6_2 = 0.0; var s6_3 = 0.0; var s6_4 = 0.0; var s6_5 = 0.0; var s6_6 = 0.0; var s6_7 = 0.0;
  var s7_0 = 0.0; var s7_1 = 0.0; var s7_2 = 0.0; var s7_3 = 0.0; var s7_4 = 0.0; var s7_5 = 0.0; var s7_6 = 0.0; var s7_7 = 0.0;
  for (var k = 0u; k < K4; k++) {
    let a0 = A[ra0 + k]; let a1 = A[ra1 + k]; let a2 = A[ra2 + k]; let a3 = A[ra3 + k]; let a4 = A[ra4 + k]; let a5 = A[ra5 + k]; let a6 = A[ra6 + k]; let a7 = A[ra7 + k];
    let b0 = B[cb0 + k]; let b1 = B[cb1 + k]; let b2 = B[cb2 + k]; let b3 = B[cb3 + k]; let b4 = B[cb4 + k]; let b5 = B[cb5 + k]; let b6 = B[cb6 + k]; let b7 = B[cb7 + k];
    s0_0 += dot(a0, b0); s0_1 += dot(a0, b1); s0_2 += dot(a0, b2); s0_3 += dot(a0, b3); s0_4 += dot(a0, b4); s0_5 += dot(a0, b5); s0_6 += dot(a0, b6); s0_7 += dot(a0, b7);
    s1_0 += dot(a1, b0); s1_1 += dot(a1, b1); s1_2 += dot(a1, b2); s1_3 += dot(a1, b3); s1_4 += dot(a1, b4); s1_5 += dot(a1, b5); s1_6 += dot(a1, b6); s1_7 += dot(a1, b7);
    s2_0 += dot(a2, b0); s2_1 += dot(a2, b1); s2_2 += dot(a2, b2); s2_3 += dot(a2, b3); s2_4 += dot(a2, b4); s2_5 += dot(a2, b5); s2_6 += dot(a2, b6); s2_7 += dot(a2, b7);
    s3_0 += dot(a3, b0); s3_1 += dot(a3, b1); s3_2 += dot(a3, b2); s3_3 += dot(a3, b3); s3_4 += dot(a3, b4); s3_5 += dot(a3, b5); s3_6 += dot(a3, b6); s3_7 += dot(a3, b7);
    s4_0 += dot(a4, b0); s4_1 += dot(a4, b1); s4_2 += dot(a4, b2); s4_3 += dot(a4, b3); s4_4 += dot(a4, b4); s4_5 += dot(a4, b5); s4_6 += dot(a4, b6); s4_7 += dot(a4, b7);
    s5_0 += dot(a5, b0); s5_1 += dot(a5, b1); s5_2 += dot(a5, b2); s5_3 += dot(a5, b3); s5_4 += dot(a5, b4); s5_5 += dot(a5, b5); s5_6 += dot(a5, b6); s5_7 += dot(a5, b7);
    s6_0 += dot(a6, b0); s6_1 += dot(a6, b1); s6_2 += dot(a6, b2); s6_3 += dot(a6, b3); s6_4 += dot(a6, b4); s6_5 += dot(a6, b5); s6_6 += dot(a6, b6); s6_7 += dot(a6, b7);
    s7_0 += dot(a7, b0); s7_1 += dot(a7, b1); s7_2 += dot(a7, b2); s7_3 += dot(a7, b3); s7_4 += dot(a7, b4); s7_5 += dot(a7, b5); s7_6 += dot(a7, b6); s7_7 += dot(a7, b7);
  }
  put(b, row0 + 0u, col0 + 0u, s0_0); put(b, row0 + 0u, col0 + 1u, s0_1); put(b, row0 + 0u, col0 + 2u, s0_2); put(b, row0 + 0u, col0 + 3u, s0_3); put(b, row0 + 0u, col0 + 4u, s0_4); put(b, row0 + 0u, col0 + 5u, s0_5); put(b, row0 + 0u, col0 + 6u, s0_6); put(b, row0 + 0u, col0 + 7u, s0_7);
  put(b, row0 + 1u, col0 + 0u, s1_0); put(b, row0 + 1u, col0 + 1u, s1_1); put(b, row0 + 1u, col0 + 2u, s1_2); put(b, row0 + 1u, col0 + 3u, s1_3); put(b, row0 + 1u, col0 + 4u, s1_4); put(b, row0 + 1u, col0 + 5u, s1_5); put(b, row0 + 1u, col0 + 6u, s1_6); put(b, row0 + 1u, col0 + 7u, s1_7);
  put(b, row0 + 2u, col0 + 0u, s2_0); put(b, row0 + 2u, col0 + 1u, s2_1); put(b, row0 + 2u, col0 + 2u, s2_2); put(b, row0 + 2u, col0 + 3u, s2_3); put(b, row0 + 2u, col0 + 4u, s2_4); put(b, row0 + 2u, col0 + 5u, s2_5); put(b, row0 + 2u, col0 + 6u, s2_6); put(b, row0 + 2u, col0 + 7u, s2_7);
  put(b, row0 + 3u, col0 + 0u, s3_0); put(b, row0 + 3u, col0 + 1u, s3_1); put(b, row0 + 3u, col0 + 2u, s3_2); put(b, row0 + 3u, col0 + 3u, s3_3); put(b, row0 + 3u, col0 + 4u, s3_4); put(b, row0 + 3u, col0 + 5u, s3_5); put(b, row0 + 3u, col0 + 6u, s3_6); put(b, row0 + 3u, col0 + 7u, s3_7);
  put(b, row0 + 4u, col0 + 0u, s4_0); put(b, row0 + 4u, col0 + 1u, s4_1); put(b, row0 + 4u, col0 + 2u, s4_2); put(b, row0 + 4u, col0 + 3u, s4_3); put(b, row0 + 4u, col0 + 4u, s4_4); put(b, row0 + 4u, col0 + 5u, s4_5); put(b, row0 + 4u, col0 + 6u, s4_6); put(b, row0 + 4u, col0 + 7u, s4_7);
  put(b, row0 + 5u, col0 + 0u, s5_0); put(b, row0 + 5u, col0 + 1u, s5_1); put(b, row0 + 5u, col0 + 2u, s5_2); put(b, row0 + 5u, col0 + 3u, s5_3); put(b, row0 + 5u, col0 + 4u, s5_4); put(b, row0 + 5u, col0 + 5u, s5_5); put(b, row0 + 5u, col0 + 6u, s5_6); put(b, row0 + 5u, col0 + 7u, s5_7);
  put(b, row0 + 6u, col0 + 0u, s6_0); put(b, row0 + 6u, col0 + 1u, s6_1); put(b, row0 + 6u, col0 + 2u, s6_2); put(b, row0 + 6u, col0 + 3u, s6_3); put(b, row0 + 6u, col0 + 4u, s6_4); put(b, row0 + 6u, col0 + 5u, s6_5); put(b, row0 + 6u, col0 + 6u, s6_6); put(b, row0 + 6u, col0 + 7u, s6_7);
  put(b, row0 + 7u, col0 + 0u, s7_0); put(b, row0 + 7u, col0 + 1u, s7_1); put(b, row0 + 7u, col0 + 2u, s7_2); put(b, row0 + 7u, col0 + 3u, s7_3); put(b, row0 + 7u, col0 + 4u, s7_4); put(b, row0 + 7u, col0 + 5u, s7_5); put(b, row0 + 7u, col0 + 6u, s7_6); put(b, row0 + 7u, col0 + 7u, s7_7);
}
