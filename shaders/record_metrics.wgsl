// Append this step's scalars to a GPU-side history so the loss curve is complete while the CPU
// reads back only every k steps:  hist[slot·4 + (0..3)] = (loss, grad-norm, non-finite flag, logit scale t)
// Bindings: 0 uniforms {slot}, 1 loss (1), 2 stats (4: norm, clip, nonfinite, _), 3 logT (1), 4 hist (4·K).
// Grid: 1 workgroup of 1.
struct Params { slot: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> loss: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read> logT: array<f32>;
@group(0) @binding(4) var<storage, read_write> hist: array<f32>;

@compute @workgroup_size(1)
fn main() {
  let o = p.slot * 4u;
  hist[o] = loss[0];
  hist[o + 1u] = stats[0];
  hist[o + 2u] = stats[2];
  hist[o + 3u] = logT[0];
}
