// A model on the GPU: its arena (params, grads, Adam state) initialised from a seed.
import { Arena, initialValues } from '../gpu/arena';
import type { Gpu } from '../gpu/runtime';
import { ModelBuffers, attachBuffers } from '../engine/buffers';
import { Rng } from '../util/rng';
import type { ClipConfig } from './config';
import { buildLayout } from './params';
import { buildBufferLayout } from './stem';

export interface ModelInstance {
  cfg: ClipConfig;
  arena: Arena;
  /** The initial parameter values (kept for tests and resets). */
  init: Float32Array;
  /**
   * Non-trained state (BatchNorm running statistics of the conv stem / parallel branch), outside the AdamW arena; also
   * reachable from any Tape on `arena` via tape.buffer(name). Absent when the model has none. Not saved
   * in checkpoints yet.
   */
  buffers?: ModelBuffers;
}

export function createModel(gpu: Gpu, cfg: ClipConfig, seed: number): ModelInstance {
  const layout = buildLayout(cfg);
  const rng = new Rng(seed).fork(11);
  const init = initialValues(layout, () => rng.normal(), () => rng.next());
  const arena = new Arena(gpu, layout);
  arena.upload(init);
  const bufLayout = buildBufferLayout(cfg);
  if (bufLayout.views.length === 0) return { cfg, arena, init };
  const buffers = new ModelBuffers(gpu, bufLayout);
  attachBuffers(arena, buffers);
  return { cfg, arena, init, buffers };
}

/** Parameter values by (tower) name out of a flat arena snapshot (views, no copies: FD perturbs `flat`). */
export function paramGetter(inst: { arena: Arena }, flat: Float64Array) {
  return (name: string): Float64Array => {
    const v = inst.arena.layout.get(name);
    return flat.subarray(v.offset, v.offset + v.size);
  };
}
