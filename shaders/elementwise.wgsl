// Elementwise helpers, one entry point; the override OP picks the formula (one pipeline per op):
//   OP 0 add        out = a + b
//   OP 1 accumulate out += alpha · a
//   OP 2 fill       out = value
//   OP 3 copy       out = a
//   OP 4 relu       out = max(a, 0)
//   OP 5 relu'      out += (a > 0 ? b : 0)        (a = x, b = dy, out = dx)
// Ops that ignore a or b get a 1-element dummy there: both bindings are referenced in the code, so
// layout 'auto' keeps them for every OP.
//
// Bindings: 0 uniforms {n, alpha, value}, 1 a (read), 2 b (read), 3 out (read_write); all (n).
// Grid:     ceil(n/256) workgroups of 256, one element per thread (folded into (x, y) past 65,535).
override OP: u32 = 0u;

struct Params { n: u32, alpha: f32, value: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> outv: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * 256u + lid;
  if (i >= p.n) { return; }
  switch OP {
    case 0u: { outv[i] = a[i] + b[i]; }
    case 1u: { outv[i] += p.alpha * a[i]; }
    case 2u: { outv[i] = p.value; }
    case 3u: { outv[i] = a[i]; }
    case 4u: { outv[i] = max(a[i], 0.0); }
    default: { if (a[i] > 0.0) { outv[i] += b[i]; } }
  }
}
