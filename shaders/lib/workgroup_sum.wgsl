// Shared by the six row/channel normalisation shaders (l2norm, layernorm, batchnorm; forward and
// backward); the launchers prepend it (src/kernels/wgsl.ts). The including shader declares
// `override WG` (a power of two ≤ 256) and dispatches @workgroup_size(WG).
// A fixed-order tree sum over the WG threads of a workgroup: deterministic, every thread gets the
// total. Must be called from uniform control flow (it holds barriers).
var<workgroup> red: array<vec2<f32>, 256>;

fn wgSum2(tid: u32, v: vec2<f32>) -> vec2<f32> {
  red[tid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (tid < s) { red[tid] += red[tid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier(); // red is free again when this returns
  return r;
}

fn wgSum(tid: u32, v: f32) -> f32 {
  return wgSum2(tid, vec2<f32>(v, 0.0)).x;
}
