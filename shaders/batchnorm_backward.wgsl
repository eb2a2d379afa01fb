// BatchNorm2d backward (training mode: the batch statistics depend on x), NCHW, per channel c; n = B·HW.
//   x̂ = (x − mean)·rstd,  Sdy = Σ dy,  Sdyx = Σ dy·x̂   (sums over the channel's n values)
//   dx    += gamma[c]·rstd·(dy − Sdy/n − x̂·Sdyx/n)
//   dgamma[c] += Sdyx,  dbeta[c] += Sdy
// Accumulates into dx, dgamma, dbeta; mean and rstd are the ones the training forward saved.
//
// Bindings: 0 uniforms {B, C, HW}, 1 x (B,C,HW) read, 2 gamma (C) read, 3 mean (C) read, 4 rstd (C) read,
//           5 dy (B,C,HW) read, 6 dx (B,C,HW) read_write, 7 dgamma (C) read_write, 8 dbeta (C) read_write.
// Grid:     one workgroup per channel: C workgroups (folded into (x, y) past 65,535; linearised below).
//           WG threads (override, power of two ≤ 256) stride over the channel's values; both sums use
//           tree reductions in workgroup memory (fixed order: deterministic).
// Shared: shaders/lib/workgroup_sum.wgsl (wgSum, wgSum2), prepended by the launcher.
override WG: u32 = 256u;

struct Params { B: u32, C: u32, HW: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> meanIn: array<f32>;
@group(0) @binding(4) var<storage, read> rstdIn: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(8) var<storage, read_write> dbeta: array<f32>;

fn at(c: u32, i: u32) -> u32 {
  let b = i / p.HW;
  return (b * p.C + c) * p.HW + (i - b * p.HW);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let c = wg.x + wg.y * nwg.x;
  if (c >= p.C) { return; }
  let n = p.B * p.HW;
  let mean = meanIn[c];
  let rstd = rstdIn[c];

  var acc = vec2<f32>(0.0, 0.0); // (Σ dy, Σ dy·x̂)
  for (var i = tid; i < n; i += WG) {
    let j = at(c, i);
    let g = dy[j];
    acc += vec2<f32>(g, g * (x[j] - mean) * rstd);
  }
  let S = wgSum2(tid, acc);
  let sums = S / f32(n);

  let k = gamma[c] * rstd;
  for (var i = tid; i < n; i += WG) {
    let j = at(c, i);
    let xh = (x[j] - mean) * rstd;
    dx[j] += k * (dy[j] - sums.x - xh * sums.y);
  }
  if (tid == 0u) {
    dgamma[c] += S.y;
    dbeta[c] += S.x;
  }
}
