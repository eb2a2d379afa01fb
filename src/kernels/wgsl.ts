// WGSL fragments shared between kernels (shaders/lib/*.wgsl), prepended to a shader's own code.
// WGSL module-scope declarations are order-independent, so a fragment may use the `p`, `Q`, `K`, …
// that the including shader declares (each fragment's header lists what it expects).
import attentionTile from '../../shaders/lib/attention_tile.wgsl?raw';
import contrastiveGrad from '../../shaders/lib/contrastive_grad.wgsl?raw';
import contrastiveTile from '../../shaders/lib/contrastive_tile.wgsl?raw';
import matmulTileIo from '../../shaders/lib/matmul_tile_io.wgsl?raw';
import workgroupSum from '../../shaders/lib/workgroup_sum.wgsl?raw';
import type { ShaderSource } from '../gpu/pipelines';

export const WGSL_LIB = { attentionTile, contrastiveTile, contrastiveGrad, matmulTileIo, workgroupSum } as const;
export type WgslFragment = keyof typeof WGSL_LIB;

/** A shader from its own code with the named fragments prepended (in the order given). */
export function withLib(name: string, code: string, ...libs: WgslFragment[]): ShaderSource {
  return { name, code: [...libs.map((l) => WGSL_LIB[l]), code].join('\n') };
}
