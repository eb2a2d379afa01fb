// Token-embedding backward (accumulating), deterministic without float atomics:
//   dtable[v,c] += Σ_{n : ids[n] = v} dout[n,c]          (in increasing n)
// The position gradient dpos[t,c] += Σ_b dout[b·T+t, c] is a column sum (shaders/sum_rows.wgsl).
//
// One workgroup per token position n. The workgroup first checks (cooperatively, a strided scan
// of ids[0..n)) whether n is the FIRST occurrence of its id; only that workgroup owns row ids[n]
// of dtable, so every output element has exactly one writer. It then walks n..N-1 in tiles of WG
// positions: each thread tests one position and sets its bit in a workgroup match mask (atomicOr:
// order-independent, so deterministic), then every thread visits the set bits in increasing order
// and adds dout of those rows for its columns c = tid, tid+WG, …  Rows never seen are untouched
// (+= 0); ids outside [0, V) are skipped. Cost: N²/2 id comparisons per dispatch in all, plus one
// pass over the matching dout rows per distinct id.
//
// Bindings: 0 uniforms {N, C, V}, 1 ids (N) i32, 2 dout (N,C) read; 3 dtable (V,C) read_write (+=).
// Grid:     N workgroups of WG (override, ≤ 256) threads (folded into (x, y) past 65,535).
override WG: u32 = 256u;

struct Params { N: u32, C: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> dtable: array<f32>;

var<workgroup> seenBefore: atomic<u32>;
var<workgroup> matches: array<atomic<u32>, 8>; // WG/32 words: bit k ⇔ ids[m0 + k] == id

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let n = wg.x + wg.y * nwg.x;
  if (n >= p.N) { return; }
  let id = ids[n];
  if (id < 0 || u32(id) >= p.V) { return; }

  if (tid == 0u) { atomicStore(&seenBefore, 0u); }
  workgroupBarrier();
  var found = false;
  for (var m = tid; m < n; m += WG) {
    if (ids[m] == id) { found = true; break; }
  }
  if (found) { atomicOr(&seenBefore, 1u); }
  // workgroupUniformLoad makes the flag uniform (and is a barrier), so the early exit is legal.
  if (workgroupUniformLoad(&seenBefore) != 0u) { return; }

  let words = WG / 32u;
  let row = u32(id) * p.C;
  for (var c0 = 0u; c0 < p.C; c0 += WG) {
    let c = c0 + tid;
    var acc = 0.0;
    for (var m0 = n; m0 < p.N; m0 += WG) {
      if (tid < words) { atomicStore(&matches[tid], 0u); }
      workgroupBarrier();
      let m = m0 + tid;
      if (m < p.N && ids[m] == id) { atomicOr(&matches[tid / 32u], 1u << (tid % 32u)); }
      workgroupBarrier();
      if (c < p.C) {
        for (var w = 0u; w < words; w++) {
          var bits = atomicLoad(&matches[w]);
          while (bits != 0u) {
            let k = w * 32u + countTrailingZeros(bits);
            bits &= bits - 1u;
            acc += dout[(m0 + k) * p.C + c];
          }
        }
      }
      workgroupBarrier();
    }
    if (c < p.C) { dtable[row + c] += acc; }
  }
}
