// Shared by the shared-memory vec4 matmuls (matmul_tiled4.wgsl, gen/matmul_tiled128.wgsl); the launcher
// prepends it (src/kernels/wgsl.ts). Declares the overrides, uniforms, bindings, the bounds-checked vec4
// loads, the epilogue store, and the scatters into k-major tiles; the including shader declares
// `As`, `Bs` (array<vec4<f32>>, [k][m4] / [k][n4]) and `T4` (vec4 per tile row).
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;
override EXACT: bool = false;

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

// Plain A (M, K): vec4 of 4 consecutive k for row m (k4 in vec4 units).
fn loadAk(base: u32, m: u32, k4: u32) -> vec4<f32> {
  let K4 = p.K / 4u;
  if (!EXACT && (m >= p.M || k4 >= K4)) { return vec4<f32>(0.0); }
  return A[base + m * K4 + k4];
}
// TRANS_A, A (K, M): vec4 of 4 consecutive m at k.
fn loadAm(base: u32, k: u32, m4: u32) -> vec4<f32> {
  let M4 = p.M / 4u;
  if (!EXACT && (k >= p.K || m4 >= M4)) { return vec4<f32>(0.0); }
  return A[base + k * M4 + m4];
}
// Plain B (K, N): vec4 of 4 consecutive n at k.
fn loadBn(base: u32, k: u32, n4: u32) -> vec4<f32> {
  let N4 = p.N / 4u;
  if (!EXACT && (k >= p.K || n4 >= N4)) { return vec4<f32>(0.0); }
  return B[base + k * N4 + n4];
}
// TRANS_B, B (N, K): vec4 of 4 consecutive k for column n.
fn loadBk(base: u32, n: u32, k4: u32) -> vec4<f32> {
  let K4 = p.K / 4u;
  if (!EXACT && (n >= p.N || k4 >= K4)) { return vec4<f32>(0.0); }
  return B[base + n * K4 + k4];
}

fn store(b: u32, m: u32, c4: u32, acc: vec4<f32>) {
  let N4 = p.N / 4u;
  if (!EXACT && (m >= p.M || c4 >= N4)) { return; }
  var v = p.alpha * acc;
  if (HAS_BIAS) { v += vec4<f32>(bias[4u * c4], bias[4u * c4 + 1u], bias[4u * c4 + 2u], bias[4u * c4 + 3u]); }
  let idx = (b * p.strideC) / 4u + m * N4 + c4;
  if (ACCUMULATE) { v += C[idx]; }
  C[idx] = v;
}

// Scatter a vec4 holding 4 consecutive k of row/column `mn` into the k-major tile As / Bs (by component).
fn scatterA(kk4: u32, mn: u32, v: vec4<f32>) {
  let j = mn / 4u; let c = mn % 4u;
  As[(kk4 * 4u) * T4 + j][c] = v.x;
  As[(kk4 * 4u + 1u) * T4 + j][c] = v.y;
  As[(kk4 * 4u + 2u) * T4 + j][c] = v.z;
  As[(kk4 * 4u + 3u) * T4 + j][c] = v.w;
}
fn scatterB(kk4: u32, mn: u32, v: vec4<f32>) {
  let j = mn / 4u; let c = mn % 4u;
  Bs[(kk4 * 4u) * T4 + j][c] = v.x;
  Bs[(kk4 * 4u + 1u) * T4 + j][c] = v.y;
  Bs[(kk4 * 4u + 2u) * T4 + j][c] = v.z;
  Bs[(kk4 * 4u + 3u) * T4 + j][c] = v.w;
}
