// Backward of shaders/cls_pos_forward.wgsl (all three gradients accumulate, +=):
//   dpos[j, c]        += Σ_b dout[b, j, c]                 j ≤ P
//   dcls[c]           += Σ_b dout[b, 0, c]
//   dtokens[b, i, c]  += dout[b, 1+i, c]
//
// One invocation per (j, c) walks the batch in order, so each output element has exactly one
// writer and the sums are deterministic.
// Bindings: 0 uniforms {B, P, C}, 1 dout (B,P+1,C) read; 2 dtokens (B,P,C), 3 dcls (C),
//           4 dpos (P+1,C) read_write.
// Grid:     ceil((P+1)·C / 256) workgroups of 256 (folded into (x, y) past 65,535; linearised below).
struct Params { B: u32, P: u32, C: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read_write> dtokens: array<f32>;
@group(0) @binding(3) var<storage, read_write> dcls: array<f32>;
@group(0) @binding(4) var<storage, read_write> dpos: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid; // = j·C + c
  let S = u.P + 1u;
  if (i >= S * u.C) { return; }
  let c = i % u.C;
  let j = i / u.C;
  var s = 0.0;
  for (var b = 0u; b < u.B; b++) {
    let g = dout[b * S * u.C + i];
    s += g;
    if (j > 0u) { dtokens[(b * u.P + j - 1u) * u.C + c] += g; }
  }
  dpos[i] += s;
  if (j == 0u) { dcls[c] += s; }
}
