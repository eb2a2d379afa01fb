// Global gradient L2 norm, clip factor and non-finite flag over the flat gradient arena, in two
// deterministic stages (fixed reduction order: same grads -> bit-identical stats). No atomics.
//
//   partial[w] = Σ_{i in chunk w} g_i²        (chunk w = [w·chunk, min((w+1)·chunk, n)))
//   norm       = sqrt(Σ_w partial[w])
//   clip       = min(1, maxNorm / (norm + 1e-6)), or 1 if maxNorm <= 0
//   nonFinite  = 1 if any g_i is NaN/±Inf or the f32 sum of squares overflows, else 0
//   stats      = [norm, clip, nonFinite, 0]    (when nonFinite: [+Inf, 1, 1, 0])
//
// Non-finite values are detected from the bit pattern (exponent all ones), never by float compares:
// WGSL lets compilers assume NaN/Inf are absent, so `x != x` may be folded away. A non-finite
// partial is written as the canonical +Inf pattern and recognised the same way in stage 2.
//
// Both entry points share one set of bindings (src read, dst read_write):
//   Bindings: 0 uniforms {n, chunk, maxNorm, parts}, 1 src (read), 2 dst (read_write).
//   partials: src = grads (n), dst = partials (P);  grid P workgroups of 256 (P ≤ 1024; linearised
//             and bounds-checked in case the runtime folds it).
//   finalize: src = partials (P, passed as n), dst = stats (4);  grid 1 workgroup of 256.

struct Params {
  n: u32,        // elements in src
  chunk: u32,    // partials: elements per workgroup
  maxNorm: f32,  // finalize: clipping threshold
  parts: u32,    // partials: number of partial sums P (folded grids may launch more workgroups)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

const WG = 256u;
const INF_BITS = 0x7f800000u;

var<workgroup> sums: array<f32, 256>;
var<workgroup> bad: array<u32, 256>;

// +Inf built at run time: a const-expression bitcast to Inf is a shader-creation error.
fn infinity() -> f32 {
  var b = INF_BITS;
  return bitcast<f32>(b);
}

fn nonFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & INF_BITS) == INF_BITS;
}

// Tree reduction of sums[] and bad[] (fixed pairing order); result in slot 0.
fn reduce(lid: u32) {
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      sums[lid] = sums[lid] + sums[lid + s];
      bad[lid] = bad[lid] | bad[lid + s];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(256)
fn partials(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid3: vec3<u32>,
) {
  let lid = lid3.x;
  let wid = wg.x + wg.y * nwg.x;
  if (wid >= p.parts) { return; } // workgroup-uniform, so the barriers below stay in uniform control flow
  let start = wid * p.chunk;
  let end = min(start + p.chunk, p.n);
  var acc = 0.0;
  var b = 0u;
  // Coalesced: consecutive threads read consecutive elements; each thread sums its stride serially.
  for (var i = start + lid; i < end; i += WG) {
    let g = src[i];
    if (nonFinite(g)) { b = 1u; } else { acc = fma(g, g, acc); }
  }
  sums[lid] = acc;
  bad[lid] = b;
  workgroupBarrier();
  reduce(lid);
  if (lid == 0u) {
    let s = sums[0];
    if (bad[0] != 0u || nonFinite(s)) {
      dst[wid] = infinity();
    } else {
      dst[wid] = s;
    }
  }
}

@compute @workgroup_size(256)
fn finalize(@builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  var acc = 0.0;
  var b = 0u;
  for (var i = lid; i < p.n; i += WG) {
    let s = src[i];
    if (nonFinite(s)) { b = 1u; } else { acc += s; }
  }
  sums[lid] = acc;
  bad[lid] = b;
  workgroupBarrier();
  reduce(lid);
  if (lid == 0u) {
    let total = sums[0];
    if (bad[0] != 0u || nonFinite(total)) {
      dst[0] = infinity();
      dst[1] = 1.0;
      dst[2] = 1.0;
    } else {
      let norm = sqrt(total);
      var clip = 1.0;
      if (p.maxNorm > 0.0) { clip = min(1.0, p.maxNorm / (norm + 1e-6)); }
      dst[0] = norm;
      dst[1] = clip;
      dst[2] = 0.0;
    }
    dst[3] = 0.0;
  }
}
