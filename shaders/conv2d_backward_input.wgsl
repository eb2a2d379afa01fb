// Direct 2-D convolution backward w.r.t. the input (gather form), NCHW, grouped.
//   dx[b,ci,ih,iw] += Σ_{co in group g} Σ_{kh,kw: (ih+pad−kh) and (iw+pad−kw) ≥ 0, divisible by s, /s < (Ho,Wo)}
//                       dy[b, co, (ih+pad−kh)/s, (iw+pad−kw)/s] · w[co, ci − g·Cin/G, kh, kw],   g = ci / (Cin/G).
// Accumulates into dx. Each dx element is written by exactly one invocation: deterministic, no atomics.
//
// Bindings: 0 uniforms {B, Cin, H, W, Cout, Ho, Wo, k, stride, pad, cinPerG, coutPerG},
//           1 dy (B,Cout,Ho,Wo) read, 2 w (Cout,Cin/G,k,k) read, 3 dx (B,Cin,H,W) read_write.
// Grid:     one invocation per input element, 64 per workgroup: ceil(B·Cin·H·W / 64) workgroups,
//           folded into (x, y) past 65,535 (linearised below). No barriers.
struct Params {
  B: u32, Cin: u32, H: u32, W: u32,
  Cout: u32, Ho: u32, Wo: u32, k: u32,
  stride: u32, pad: u32, cinPerG: u32, coutPerG: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wg.x + wg.y * nwg.x) * 64u + lid;
  if (idx >= p.B * p.Cin * p.H * p.W) { return; }
  let iw = idx % p.W;
  let ih = (idx / p.W) % p.H;
  let ci = (idx / (p.W * p.H)) % p.Cin;
  let b = idx / (p.W * p.H * p.Cin);
  let g = ci / p.cinPerG;
  let cg = ci - g * p.cinPerG;
  let s = i32(p.stride);
  let kk = p.k * p.k;

  var acc = 0.0;
  for (var j = 0u; j < p.coutPerG; j++) {
    let co = g * p.coutPerG + j;
    let dyBase = (b * p.Cout + co) * p.Ho * p.Wo;
    let wBase = (co * p.cinPerG + cg) * kk;
    for (var kh = 0u; kh < p.k; kh++) {
      let th = i32(ih + p.pad) - i32(kh);
      if (th < 0 || th % s != 0) { continue; }
      let oh = u32(th / s);
      if (oh >= p.Ho) { continue; }
      for (var kw = 0u; kw < p.k; kw++) {
        let tw = i32(iw + p.pad) - i32(kw);
        if (tw < 0 || tw % s != 0) { continue; }
        let ow = u32(tw / s);
        if (ow >= p.Wo) { continue; }
        acc = fma(dy[dyBase + oh * p.Wo + ow], w[wBase + kh * p.k + kw], acc);
      }
    }
  }
  dx[idx] += acc;
}
