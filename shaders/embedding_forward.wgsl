// Token + position embedding.
//   out[n,c] = table[ids[n], c] + pos[n mod T, c]      n < N = B·T, c < C
// An id outside [0, V) contributes 0 from the table (the position term still applies).
//
// Bindings: 0 uniforms {N, T, C, V}, 1 ids (N) i32, 2 table (V,C), 3 pos (T,C) read; 4 out (N,C) write.
// Grid:     ceil(N·C/256) workgroups of 256, one output element per thread (folded into (x, y)
//           past 65,535; linearised below).
struct Params { N: u32, T: u32, C: u32, V: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<f32>;
@group(0) @binding(4) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= p.N * p.C) { return; }
  let n = i / p.C;
  let c = i % p.C;
  let id = ids[n];
  var v = pos[(n % p.T) * p.C + c];
  if (id >= 0 && u32(id) < p.V) { v += table[u32(id) * p.C + c]; }
  outv[i] = v;
}
