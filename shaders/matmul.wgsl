// Batched matmul with transposed variants and a fused epilogue.
//   C[b] = alpha · op(A[b]) · op(B[b])  (+ bias[n] if HAS_BIAS)  (+ C[b] if ACCUMULATE)
// op(A) is M×K: A is stored (M, K), or (K, M) with TRANS_A.
// op(B) is K×N: B is stored (K, N), or (N, K) with TRANS_B.
// Batch b reads A at b·strideA, B at b·strideB, writes C at b·strideC (stride 0 = broadcast).
//
// Bindings: 0 uniforms, 1 A (read), 2 B (read), 3 C (read_write), 4 bias (read; a 1-element dummy
//           when HAS_BIAS is false: layout 'auto' keeps it because the code references it).
// Tiling:   a workgroup computes a 64×64 tile of C with 16×16 threads, each a 4×4 register block
//           (rows ty·4…+3, cols tx·4…+3). K advances 16 at a time through workgroup tiles stored
//           k-major (As[k][m], Bs[k][n]) so the inner loop reads 4 consecutive floats per operand.
// Grid:     (ceil(N/64), ceil(M/64), batch). Out-of-range loads read 0; out-of-range stores skip,
//           so any shape is correct; VEC4 path below is taken when the fast-path conditions hold.
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

const TM = 64u;
const TN = 64u;
const TK = 16u;

var<workgroup> As: array<array<f32, 68>, 16>; // [k][m], padded
var<workgroup> Bs: array<array<f32, 68>, 16>; // [k][n], padded

fn loadA(b: u32, m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (TRANS_A) { return A[b * p.strideA + k * p.M + m]; }
  return A[b * p.strideA + m * p.K + k];
}

fn loadB(b: u32, k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  if (TRANS_B) { return B[b * p.strideB + n * p.K + k]; }
  return B[b * p.strideB + k * p.N + n];
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wg.z;
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * 16u + tx;

  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }

  let nTiles = (p.K + TK - 1u) / TK;
  for (var t = 0u; t < nTiles; t++) {
    let k0 = t * TK;
    // 64×16 A values and 16×64 B values per tile: 4 each per thread.
    for (var r = 0u; r < 4u; r++) {
      let e = tid + r * 256u;           // 0..1023
      // A: choose the mapping that makes global reads contiguous for the storage order.
      if (TRANS_A) {
        let kk = e / TM; let mm = e % TM;
        As[kk][mm] = loadA(b, row0 + mm, k0 + kk);
      } else {
        let mm = e / TK; let kk = e % TK;
        As[kk][mm] = loadA(b, row0 + mm, k0 + kk);
      }
      if (TRANS_B) {
        let nn = e / TK; let kk = e % TK;
        Bs[kk][nn] = loadB(b, k0 + kk, col0 + nn);
      } else {
        let kk = e / TN; let nn = e % TN;
        Bs[kk][nn] = loadB(b, k0 + kk, col0 + nn);
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      var a: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[k][ty * 4u + i]; }
      for (var j = 0u; j < 4u; j++) { bv[j] = Bs[k][tx * 4u + j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let m = row0 + ty * 4u + i;
    if (m >= p.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + tx * 4u + j;
      if (n >= p.N) { continue; }
      var v = p.alpha * acc[i][j];
      if (HAS_BIAS) { v += bias[n]; }
      let idx = b * p.strideC + m * p.N + n;
      if (ACCUMULATE) { v += C[idx]; }
      C[idx] = v;
    }
  }
}
