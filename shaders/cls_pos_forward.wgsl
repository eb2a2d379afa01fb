// Prepend the CLS token and add positions (ViT input sequence).
//   out[b, 0,   c] = cls[c] + pos[0, c]
//   out[b, 1+i, c] = tokens[b, i, c] + pos[1+i, c]          i < P
//
// Bindings: 0 uniforms {B, P, C}, 1 tokens (B,P,C), 2 cls (C), 3 pos (P+1,C) read;
//           4 out (B,P+1,C) write.
// Grid:     ceil(B·(P+1)·C / 256) workgroups of 256, one output element per thread (folded into
//           (x, y) past 65,535; linearised below).
struct Params { B: u32, P: u32, C: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> tokens: array<f32>;
@group(0) @binding(2) var<storage, read> cls: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<f32>;
@group(0) @binding(4) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  let S = u.P + 1u;
  if (i >= u.B * S * u.C) { return; }
  let c = i % u.C;
  let j = (i / u.C) % S;
  let b = i / (u.C * S);
  var v: f32;
  if (j == 0u) { v = cls[c]; } else { v = tokens[(b * u.P + j - 1u) * u.C + c]; }
  outv[i] = v + pos[j * u.C + c];
}
