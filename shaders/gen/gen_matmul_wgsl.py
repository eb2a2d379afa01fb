# Generates the barrier-free vec4 matmul shaders, whose register-block loops are written out by hand
# (SwiftShader keeps loop-indexed function-scope arrays in memory). Regenerate after editing:
#   python3 shaders/gen/gen_matmul_wgsl.py bt 8 8 shaders/gen/matmul_vec4.wgsl     # A·Bᵀ, 8×8 scalars per invocation
#   python3 shaders/gen/gen_matmul_wgsl.py nn 4 2 shaders/gen/matmul_vec4nn.wgsl   # A·B,  4 rows × 2 vec4 columns
#   python3 shaders/gen/gen_matmul_wgsl.py tn 16 2 shaders/gen/matmul_vec4tn.wgsl  # Aᵀ·B, 16 rows × 2 vec4 columns
# Other block shapes were generated the same way and timed with BENCH_QUERY='suite=matmul&kernels=…'.
import sys
# usage: gen.py nn|tn|bt RM RNvec4(for nn/tn: CN vec4 cols; for bt: RN scalar cols) out
mode=sys.argv[1]; RM=int(sys.argv[2]); CN=int(sys.argv[3]); out=sys.argv[4]
L=[]; w=L.append
comps="xyzw"
R4=RM//4
if mode in ('nn','tn'):
    op = 'Aᵀ·B' if mode=='tn' else 'A·B'
    what = "the weight gradient dW = dYᵀ·X of a linear layer (A (K, M) read as vec4 along M)" if mode=='tn' else "the input gradient dX = dY·W of a linear layer (A (M, K) read as vec4 along K)"
    pre = "N % 4 == 0, M % 4 == 0" if mode=='tn' else "N % 4 == 0, K % 4 == 0"
    if mode=='tn':
        cost=f"per k: {R4} vec4 load(s) of A ({RM} consecutive m), {CN} of B, {RM*CN} vec4 fma (an outer product)"
    else:
        cost=f"per 4 k's: {RM} vec4 loads of A ({RM} rows × 4 k), {4*CN} of B, {4*RM*CN} vec4 fma"
    ROWSUM_DOC = "\n// ROW_SUM (Aᵀ·B, batch 1): also rowSum[m] += alpha · Σ_k A[k, m] — the bias gradient Σ_n dY[n, :] of a linear\n// layer fused into its weight gradient (binding 5, (M) as vec4); the sums ride along the K loop's A loads." if mode=='tn' else ""
    ROWSUM_OVR = "\noverride ROW_SUM: bool = false;" if mode=='tn' else ""
    ROWSUM_BIND = "\n@group(0) @binding(5) var<storage, read_write> rowSum: array<vec4<f32>>;" if mode=='tn' else ""
    w(f"""// Barrier-free vec4 matmul C = alpha · {op} (+ bias[n] if HAS_BIAS) (+ C if ACCUMULATE), batched:
// {what}.
// A is {'(K, M)' if mode=='tn' else '(M, K)'}, B (K, N), C (M, N), all row-major; batch b reads A at b·strideA, B at b·strideB and
// writes C at b·strideC. Preconditions (launcher, src/kernels/matmul.ts): {pre}, strides % 4 == 0;
// tensor offsets are 256-byte aligned, so the vec4 views are aligned.
//
// Bindings: 0 uniforms (M, N, K, strideA, strideB, strideC, alpha), 1 A (vec4, read), 2 B (vec4, read),
//           3 C (vec4, read_write), 4 bias (f32, read; a 1-element dummy when HAS_BIAS is false).
// Blocking: each invocation owns a {RM}×{4*CN} block of C ({RM} rows × {CN} vec4 columns) in registers;
//           {cost}.
//           Block loops are written out by hand (shaders/gen/gen_matmul_wgsl.py): SwiftShader keeps function-scope arrays
//           indexed in a loop in memory (a gather per access), and it is load-bound here (each storage
//           load is a per-lane gather plus a robustness clamp), so loads per fma set the speed. The block
//           shape is the fastest measured on SwiftShader (bench/results/swiftshader.md).
// Grid: (ceil(N/({4*CN}·WX)), ceil(M/({RM}·WY)), batch), workgroup (WX, WY) from the launcher. Edge blocks
// clamp their load indices (their extra results are not stored); EXACT (M % ({RM}·WY) == 0 and
// N % ({4*CN}·WX) == 0) drops the clamps.{ROWSUM_DOC}
override HAS_BIAS: bool = false;{ROWSUM_OVR}
override ACCUMULATE: bool = false;
override EXACT: bool = false;
override WX: u32 = 8u;
override WY: u32 = 8u;

struct Params {{
  M: u32, N: u32, K: u32,
  strideA: u32, strideB: u32, strideC: u32,
  alpha: f32,
}}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;{ROWSUM_BIND}

fn store(b: u32, m: u32, c4: u32, acc: vec4<f32>) {{
  let N4 = p.N / 4u;
  if (m >= p.M || c4 >= N4) {{ return; }}
  var v = p.alpha * acc;
  if (HAS_BIAS) {{ v += vec4<f32>(bias[4u * c4], bias[4u * c4 + 1u], bias[4u * c4 + 2u], bias[4u * c4 + 3u]); }}
  let idx = (b * p.strideC) / 4u + m * N4 + c4;
  if (ACCUMULATE) {{ v += C[idx]; }}
  C[idx] = v;
}}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {{
  let b = wg.z;
  let m0 = (wg.y * WY + lid.y) * {RM}u;
  let c0 = (wg.x * WX + lid.x) * {CN}u; // first vec4 column
  let N4 = p.N / 4u;
  if (m0 >= p.M || c0 >= N4) {{ return; }}""")
    if False:
        pass
    if CN>1:
        w("  // Further vec4 columns, clamped unless EXACT (their extra results are not stored).")
        for j in range(1,CN): w(f"  var c{j} = c0 + {j}u;")
        w("  if (!EXACT) { " + " ".join(f"c{j} = min(c{j}, N4 - 1u);" for j in range(1,CN)) + " }")
    w("  var ib = (b * p.strideB) / 4u;")
    for i in range(RM): w("  " + " ".join(f"var a{i}_{j} = vec4<f32>(0.0);" for j in range(CN)))
    if mode=='tn':
        w(f"  // A (K, M): row k holds m0…m0+3 in one vec4 (M % 4 == 0: a 4-row group is whole or absent).")
        w("  let M4 = p.M / 4u;")
        w("  var ia = (b * p.strideA) / 4u + m0 / 4u;")
        for g in range(1,R4):
            w(f"  var g{g} = {g}u;")
        if R4>1:
            w("  if (!EXACT) { " + " ".join(f"g{g} = min(g{g}, M4 - 1u - m0 / 4u);" for g in range(1,R4)) + " }")
        w("  " + " ".join(f"var rs{g} = vec4<f32>(0.0);" for g in range(R4)))
        w("  for (var k = 0u; k < p.K; k++) {")
        w("    let av0 = A[ia];" + "".join(f" let av{g} = A[ia + g{g}];" for g in range(1,R4)))
        w("    " + " ".join(f"let b{j} = B[ib + c{j}];" for j in range(CN)))
        for i in range(RM):
            w("    " + " ".join(f"a{i}_{j} = fma(vec4<f32>(av{i//4}.{comps[i%4]}), b{j}, a{i}_{j});" for j in range(CN)))
        w("    if (ROW_SUM) { " + " ".join(f"rs{g} += av{g};" for g in range(R4)) + " }")
        w("    ia += M4;")
        w("    ib += N4;")
        w("  }")
        w("  // Row sums: one writer per row group (the invocations of vec4 column 0), batch 1 only (launcher).")
        w("  if (ROW_SUM && c0 == 0u) {")
        w("    rowSum[m0 / 4u] += p.alpha * rs0;")
        for g in range(1,R4):
            w(f"    if (m0 / 4u + {g}u < M4) {{ rowSum[m0 / 4u + {g}u] += p.alpha * rs{g}; }}")
        w("  }")
    else:
        w("  // A (M, K): rows read 4 k at a time (K % 4 == 0); rows past M clamped unless EXACT.")
        w("  let K4 = p.K / 4u;")
        w("  let baseA = (b * p.strideA) / 4u;")
        for i in range(1,RM): w(f"  var r{i} = m0 + {i}u;")
        w("  if (!EXACT) { " + " ".join(f"r{i} = min(r{i}, p.M - 1u);" for i in range(1,RM)) + " }")
        w("  let i0 = baseA + m0 * K4;" + "".join(f" let i{i} = baseA + r{i} * K4;" for i in range(1,RM)))
        w("  for (var k4 = 0u; k4 < K4; k4++) {")
        w("    " + " ".join(f"let x{i} = A[i{i} + k4];" for i in range(RM)))
        for t in range(4):
            w("    " + " ".join(f"let b{t}{j} = B[ib + c{j}];" for j in range(CN)) + " ib += N4;")
        for i in range(RM):
            for j in range(CN):
                w("    " + " ".join(f"a{i}_{j} = fma(vec4<f32>(x{i}.{comps[t]}), b{t}{j}, a{i}_{j});" for t in range(4)))
        w("  }")
    w("")
    for i in range(RM): w("  " + " ".join(f"store(b, m0 + {i}u, c0 + {j}u, a{i}_{j});" for j in range(CN)))
    w("}")
else:
    RN=CN
    w(f"""// Barrier-free vec4 matmul C = alpha · A·Bᵀ (+ bias[n] if HAS_BIAS) (+ C if ACCUMULATE), batched: the
// linear-layer forward x (M, K) · W (N, K)ᵀ, ShareLab's most frequent matmul. Both operands are read
// along K, four floats per load. A (M, K), B (N, K), C (M, N) row-major; batch b reads A at b·strideA,
// B at b·strideB and writes C at b·strideC. Preconditions (launcher, src/kernels/matmul.ts): K % 4 == 0,
// strideA and strideB % 4 == 0 (A and B are bound as vec4 arrays; offsets are 256-byte aligned). Any M, N.
//
// Bindings: 0 uniforms (M, N, K, strideA, strideB, strideC, alpha), 1 A (vec4, read), 2 B (vec4, read),
//           3 C (f32, read_write), 4 bias (f32, read; a 1-element dummy when HAS_BIAS is false).
// Blocking: each invocation owns a {RM}×{RN} block of C, accumulated with dot() in {RM*RN} scalars; per K/4 step
//           {RM} + {RN} vec4 loads and {RM*RN} dot(). Block loops are written out by hand (shaders/gen/gen_matmul_wgsl.py): SwiftShader
//           keeps function-scope arrays indexed in a loop in memory (a gather per access), and it is
//           load-bound here (each storage load is a per-lane gather plus a robustness clamp). The block
//           shape is the fastest measured on SwiftShader (bench/results/swiftshader.md).
// Grid: (ceil(N/({RN}·WX)), ceil(M/({RM}·WY)), batch), workgroup (WX, WY) from the launcher. Edge invocations
// clamp their load rows/columns and skip the extra stores.
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;
override WX: u32 = 8u;
override WY: u32 = 8u;

struct Params {{
  M: u32, N: u32, K: u32,
  strideA: u32, strideB: u32, strideC: u32,
  alpha: f32,
}}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

fn put(b: u32, m: u32, n: u32, acc: f32) {{
  if (m >= p.M || n >= p.N) {{ return; }}
  var v = p.alpha * acc;
  if (HAS_BIAS) {{ v += bias[n]; }}
  let idx = b * p.strideC + m * p.N + n;
  if (ACCUMULATE) {{ v += C[idx]; }}
  C[idx] = v;
}}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {{
  let b = wg.z;
  let row0 = (wg.y * WY + lid.y) * {RM}u;
  let col0 = (wg.x * WX + lid.x) * {RN}u;
  if (row0 >= p.M || col0 >= p.N) {{ return; }}
  let K4 = p.K / 4u;
  let bA = (b * p.strideA) / 4u;
  let bB = (b * p.strideB) / 4u;
  let ra0 = bA + row0 * K4;""")
    for i in range(1,RM): w(f"  let ra{i} = bA + min(row0 + {i}u, p.M - 1u) * K4;")
    w("  let cb0 = bB + col0 * K4;")
    for j in range(1,RN): w(f"  let cb{j} = bB + min(col0 + {j}u, p.N - 1u) * K4;")
    for i in range(RM): w("  " + " ".join(f"var s{i}_{j} = 0.0;" for j in range(RN)))
    w("  for (var k = 0u; k < K4; k++) {")
    w("    " + " ".join(f"let a{i} = A[ra{i} + k];" for i in range(RM)))
    w("    " + " ".join(f"let b{j} = B[cb{j} + k];" for j in range(RN)))
    for i in range(RM): w("    " + " ".join(f"s{i}_{j} += dot(a{i}, b{j});" for j in range(RN)))
    w("  }")
    for i in range(RM): w("  " + " ".join(f"put(b, row0 + {i}u, col0 + {j}u, s{i}_{j});" for j in range(RN)))
    w("}")
open(out,'w').write("\n".join(L)+"\n")
