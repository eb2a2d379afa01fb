// Convolution bias gradient: dbias[co] += Σ_{b, i < HoWo} dy[b, co, i].
// Accumulates into dbias. One invocation per channel, fixed summation order: deterministic.
//
// Bindings: 0 uniforms {B, Cout, HoWo}, 1 dy (B,Cout,Ho,Wo) read, 2 dbias (Cout) read_write.
// Grid:     ceil(Cout / 64) workgroups of 64 (folded into (x, y) past 65,535; linearised below).
struct Params { B: u32, Cout: u32, HW: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dbias: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let co = (wg.x + wg.y * nwg.x) * 64u + lid;
  if (co >= p.Cout) { return; }
  var acc = 0.0;
  for (var b = 0u; b < p.B; b++) {
    let base = (b * p.Cout + co) * p.HW;
    for (var i = 0u; i < p.HW; i++) { acc += dy[base + i]; }
  }
  dbias[co] += acc;
}
