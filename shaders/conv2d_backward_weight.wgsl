// Direct 2-D convolution backward w.r.t. the weights, NCHW, grouped.
//   dw[co,cg,kh,kw] += Σ_{b,oh,ow} dy[b,co,oh,ow] · x[b, g·Cin/G + cg, oh·s + kh − pad, ow·s + kw − pad],
//   g = co / (Cout/G); out-of-image taps contribute 0.
// Accumulates into dw. One invocation per weight element, summing in a fixed order: deterministic.
//
// Bindings: 0 uniforms {B, Cin, H, W, Cout, Ho, Wo, k, stride, pad, cinPerG, coutPerG},
//           1 x (B,Cin,H,W) read, 2 dy (B,Cout,Ho,Wo) read, 3 dw (Cout,Cin/G,k,k) read_write.
// Grid:     one invocation per weight element, 64 per workgroup: ceil(Cout·(Cin/G)·k² / 64) workgroups,
//           folded into (x, y) past 65,535 (linearised below). Each loops over B·Ho·Wo. No barriers.
struct Params {
  B: u32, Cin: u32, H: u32, W: u32,
  Cout: u32, Ho: u32, Wo: u32, k: u32,
  stride: u32, pad: u32, cinPerG: u32, coutPerG: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wg.x + wg.y * nwg.x) * 64u + lid;
  if (idx >= p.Cout * p.cinPerG * p.k * p.k) { return; }
  let kw = idx % p.k;
  let kh = (idx / p.k) % p.k;
  let cg = (idx / (p.k * p.k)) % p.cinPerG;
  let co = idx / (p.k * p.k * p.cinPerG);
  let ci = (co / p.coutPerG) * p.cinPerG + cg;
  let H = i32(p.H);
  let W = i32(p.W);

  var acc = 0.0;
  for (var b = 0u; b < p.B; b++) {
    let xBase = (b * p.Cin + ci) * p.H * p.W;
    let dyBase = (b * p.Cout + co) * p.Ho * p.Wo;
    for (var oh = 0u; oh < p.Ho; oh++) {
      let ih = i32(oh * p.stride + kh) - i32(p.pad);
      if (ih < 0 || ih >= H) { continue; }
      let xRow = xBase + u32(ih) * p.W;
      let dyRow = dyBase + oh * p.Wo;
      for (var ow = 0u; ow < p.Wo; ow++) {
        let iw = i32(ow * p.stride + kw) - i32(p.pad);
        if (iw < 0 || iw >= W) { continue; }
        acc = fma(dy[dyRow + ow], x[xRow + u32(iw)], acc);
      }
    }
  }
  dw[idx] += acc;
}
