// Patch extraction for the ViT stem (then a matmul with the (Cin·p·p, width) patch weights).
//   out[b, gy·Wp + gx, (c·p + py)·p + px] = img[b, c, gy·p + py, gx·p + px]
// with Hp = H/p, Wp = W/p, P = Hp·Wp patches in row-major order, patch vector order (c, py, px).
//
// Bindings: 0 uniforms {B, Cin, H, W, p}, 1 img (B,Cin,H,W) read; 2 out (B,P,Cin·p·p) write.
// Grid:     ceil(B·P·Cin·p·p / 256) workgroups of 256, one output element per thread (folded into
//           (x, y) past 65,535; linearised below). Consecutive threads write consecutive outputs.
struct Params { B: u32, Cin: u32, H: u32, W: u32, p: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> img: array<f32>;
@group(0) @binding(2) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  let ps = u.p;
  let Wp = u.W / ps;
  let P = (u.H / ps) * Wp;
  let K = u.Cin * ps * ps;
  if (i >= u.B * P * K) { return; }
  let k = i % K;
  let bp = i / K;
  let pi = bp % P;
  let b = bp / P;
  let px = k % ps;
  let py = (k / ps) % ps;
  let c = k / (ps * ps);
  let yy = (pi / Wp) * ps + py;
  let xx = (pi % Wp) * ps + px;
  outv[i] = img[((b * u.Cin + c) * u.H + yy) * u.W + xx];
}
