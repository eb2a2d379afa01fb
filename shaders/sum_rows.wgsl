// Column sums (accumulating): the bias gradient of a matmul, and any "sum over the batch" reduction.
//   out[c] += Σ_{n<N} dy[n·stride + c]        (stride = C for a dense (N, C) matrix)
//
// Bindings: 0 uniforms {N, C, stride}, 1 dy (read), 2 out (C) read_write (+=).
// Grid:     one workgroup per block of 32 columns: ceil(C/32) workgroups (folded into (x, y) past
//           65,535; linearised below) of 32×8 threads. Thread (cx, ry) sums rows ry, ry+8, … of
//           column c0+cx (a row's 32 consecutive floats are read together); the 8 partial sums per
//           column meet in a tree reduction in workgroup memory. Fixed order ⇒ deterministic.
struct Params { N: u32, C: u32, stride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> outSum: array<f32>;

const TC = 32u; // columns per workgroup
const TR = 8u;  // row lanes per column

var<workgroup> red: array<array<f32, 32>, 8>; // [ry][cx]

@compute @workgroup_size(32, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let cx = lid.x;
  let ry = lid.y;
  let c = (wg.x + wg.y * nwg.x) * TC + cx;
  var acc = 0.0;
  if (c < p.C) {
    for (var n = ry; n < p.N; n += TR) { acc += dy[n * p.stride + c]; }
  }
  red[ry][cx] = acc;
  workgroupBarrier();
  for (var s = TR / 2u; s > 0u; s = s >> 1u) {
    if (ry < s) { red[ry][cx] += red[ry + s][cx]; }
    workgroupBarrier();
  }
  if (ry == 0u && c < p.C) { outSum[c] += red[0][cx]; }
}
