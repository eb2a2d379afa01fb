// Shared-memory tiled matmul with vec4 global loads and an 8×8 register block per invocation: the
// kernel for large K on real GPUs (each loaded value is reused 64× from workgroup memory). Same
// contract as matmul.wgsl:
//   C[b] = alpha · op(A[b]) · op(B[b])  (+ bias[n] if HAS_BIAS)  (+ C[b] if ACCUMULATE)
// op(A) is M×K: A stored (M, K), or (K, M) with TRANS_A. op(B) is K×N: B stored (K, N), or (N, K) with
// TRANS_B. Batch b reads A at b·strideA, B at b·strideB, writes C at b·strideC.
// Preconditions (launcher: tiled4Applies): N % 4 == 0 (C is written as vec4); every operand is read as
// vec4 along its contiguous dimension, so TRANS_A needs M % 4, plain A needs K % 4, TRANS_B needs K % 4
// (plain B needs N % 4, already required); strides % 4 == 0.
//
// Bindings: 0 uniforms, 1 A (vec4, read), 2 B (vec4, read), 3 C (vec4, read_write), 4 bias (f32, read;
//           1-element dummy when HAS_BIAS is false).
// Tiling:   a workgroup of 8×8 invocations computes a 64×64 tile of C; invocation (tx, ty) owns rows
//           ty·8…+7 and columns tx·8…+7 (two vec4). K advances TK = 16 at a time through workgroup tiles
//           stored k-major as vec4 (As[k][m/4], Bs[k][n/4], 8 KiB in all): per k an invocation reads 2 vec4
//           of A and 2 of B and does 16 vec4 fma. Each invocation loads 4 vec4 of each operand per tile;
//           operands stored along K (plain A, TRANS_B) are scattered into the k-major tile by component.
// Grid:     (ceil(N/64), ceil(M/64), batch). Out-of-range loads read 0 and out-of-range stores are
//           skipped; EXACT (M % 64 == 0, N % 64 == 0, K % 16 == 0) drops those checks.
// Note:     SwiftShader (CPU Vulkan) runs each workgroupBarrier as a fiber switch per invocation, so there
//           this kernel loses to the barrier-free ones (matmul_vec4*.wgsl); it is kept for real GPUs.
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

const TK = 16u;
const T4 = 16u; // 64 / 4 vec4 per tile row

var<workgroup> As: array<vec4<f32>, 256>; // [k][m4]
var<workgroup> Bs: array<vec4<f32>, 256>; // [k][n4]

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

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * 8u + tx;
  let baseA = (b * p.strideA) / 4u;
  let baseB = (b * p.strideB) / 4u;

  var c00 = vec4<f32>(0.0); var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0); var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0); var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0); var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0); var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0); var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0); var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0); var c71 = vec4<f32>(0.0);

  let nTiles = (p.K + TK - 1u) / TK;
  for (var t = 0u; t < nTiles; t++) {
    let k0 = t * TK;
    // 256 vec4 per operand tile, 4 per invocation.
    for (var r = 0u; r < 4u; r++) {
      let e = tid + r * 64u;
      if (TRANS_A) {
        let kk = e / T4; let mm4 = e % T4;
        As[kk * T4 + mm4] = loadAm(baseA, k0 + kk, row0 / 4u + mm4);
      } else {
        let mm = e / 4u; let kk4 = e % 4u;
        let v = loadAk(baseA, row0 + mm, k0 / 4u + kk4);
        let j = mm / 4u; let c = mm % 4u;
        As[(kk4 * 4u) * T4 + j][c] = v.x;
        As[(kk4 * 4u + 1u) * T4 + j][c] = v.y;
        As[(kk4 * 4u + 2u) * T4 + j][c] = v.z;
        As[(kk4 * 4u + 3u) * T4 + j][c] = v.w;
      }
      if (TRANS_B) {
        let nn = e / 4u; let kk4 = e % 4u;
        let v = loadBk(baseB, col0 + nn, k0 / 4u + kk4);
        let j = nn / 4u; let c = nn % 4u;
        Bs[(kk4 * 4u) * T4 + j][c] = v.x;
        Bs[(kk4 * 4u + 1u) * T4 + j][c] = v.y;
        Bs[(kk4 * 4u + 2u) * T4 + j][c] = v.z;
        Bs[(kk4 * 4u + 3u) * T4 + j][c] = v.w;
      } else {
        let kk = e / T4; let nn4 = e % T4;
        Bs[kk * T4 + nn4] = loadBn(baseB, k0 + kk, col0 / 4u + nn4);
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let a0 = As[k * T4 + ty * 2u];
      let a1 = As[k * T4 + ty * 2u + 1u];
      let b0 = Bs[k * T4 + tx * 2u];
      let b1 = Bs[k * T4 + tx * 2u + 1u];
      c00 = fma(vec4<f32>(a0.x), b0, c00); c01 = fma(vec4<f32>(a0.x), b1, c01);
      c10 = fma(vec4<f32>(a0.y), b0, c10); c11 = fma(vec4<f32>(a0.y), b1, c11);
      c20 = fma(vec4<f32>(a0.z), b0, c20); c21 = fma(vec4<f32>(a0.z), b1, c21);
      c30 = fma(vec4<f32>(a0.w), b0, c30); c31 = fma(vec4<f32>(a0.w), b1, c31);
      c40 = fma(vec4<f32>(a1.x), b0, c40); c41 = fma(vec4<f32>(a1.x), b1, c41);
      c50 = fma(vec4<f32>(a1.y), b0, c50); c51 = fma(vec4<f32>(a1.y), b1, c51);
      c60 = fma(vec4<f32>(a1.z), b0, c60); c61 = fma(vec4<f32>(a1.z), b1, c61);
      c70 = fma(vec4<f32>(a1.w), b0, c70); c71 = fma(vec4<f32>(a1.w), b1, c71);
    }
    workgroupBarrier();
  }

  let m = row0 + ty * 8u;
  let c4 = col0 / 4u + tx * 2u;
  store(b, m, c4, c00); store(b, m, c4 + 1u, c01);
  store(b, m + 1u, c4, c10); store(b, m + 1u, c4 + 1u, c11);
  store(b, m + 2u, c4, c20); store(b, m + 2u, c4 + 1u, c21);
  store(b, m + 3u, c4, c30); store(b, m + 3u, c4 + 1u, c31);
  store(b, m + 4u, c4, c40); store(b, m + 4u, c4 + 1u, c41);
  store(b, m + 5u, c4, c50); store(b, m + 5u, c4 + 1u, c51);
  store(b, m + 6u, c4, c60); store(b, m + 6u, c4 + 1u, c61);
  store(b, m + 7u, c4, c70); store(b, m + 7u, c4 + 1u, c71);
}
