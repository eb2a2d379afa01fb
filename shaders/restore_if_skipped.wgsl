// Undo a skipped step's side effects on non-trained state (BatchNorm running statistics):
//   if stats[2] != 0 (the step's gradients were NaN/Inf, so AdamW skipped it): out[i] = backup[i]
//   else out is left as the forward pass updated it.
// The flag is read on the GPU so the step stays one submission with no readback.
//
// The flag is 0 or 1 exactly (gradNorm writes it); NaN flags are not supported (WGSL may assume no NaNs).
// Bindings: 0 uniforms {n}, 1 stats (4: [norm, clip, nonFinite, 0]), 2 backup (n, read),
//           3 out (n, read_write).
// Grid:     ceil(n/256) workgroups of 256, one element per thread (folded into (x, y) past 65,535).
struct Params { n: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> stats: array<f32>;
@group(0) @binding(2) var<storage, read> backup: array<f32>;
@group(0) @binding(3) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  if (stats[2] != 0.0) { outv[i] = backup[i]; }
}
