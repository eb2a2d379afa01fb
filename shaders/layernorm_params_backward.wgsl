// LayerNorm backward, parameter gradients (accumulating): column reductions over the N rows.
//   dgamma[c] += Σ_n dy[n,c] · (x[n,c] − mean[n]) · rstd[n]
//   dbeta[c]  += Σ_n dy[n,c]
//
// Bindings: 0 uniforms {N, C}, 1 x (N,C), 2 mean (N), 3 rstd (N), 4 dy (N,C) read;
//           5 dgamma (C), 6 dbeta (C) read_write (+=).
// Grid:     one workgroup per block of 32 columns: ceil(C/32) workgroups of 32×8 threads (folded
//           into (x, y) past 65,535; linearised below).
//           Thread (cx, ry) sums rows ry, ry+8, … of column c0+cx (32 consecutive floats per row
//           read together), then the 8 partial sums per column meet in a tree reduction in
//           workgroup memory. Fixed order ⇒ deterministic; each output written by one thread.
struct Params { N: u32, C: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> meanIn: array<f32>;
@group(0) @binding(3) var<storage, read> rstdIn: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;

const TC = 32u; // columns per workgroup
const TR = 8u;  // row lanes per column

var<workgroup> red: array<array<vec2<f32>, 32>, 8>; // [ry][cx]

@compute @workgroup_size(32, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let cx = lid.x;
  let ry = lid.y;
  let c = (wg.x + wg.y * nwg.x) * TC + cx;
  var acc = vec2<f32>(0.0, 0.0); // (Σ dy·x̂, Σ dy)
  if (c < p.C) {
    for (var n = ry; n < p.N; n += TR) {
      let i = n * p.C + c;
      let g = dy[i];
      acc += vec2<f32>(g * (x[i] - meanIn[n]) * rstdIn[n], g);
    }
  }
  red[ry][cx] = acc;
  workgroupBarrier();
  for (var s = TR / 2u; s > 0u; s = s >> 1u) {
    if (ry < s) { red[ry][cx] += red[ry + s][cx]; }
    workgroupBarrier();
  }
  if (ry == 0u && c < p.C) {
    let r = red[0][cx];
    dgamma[c] += r.x;
    dbeta[c] += r.y;
  }
}
