// The parameter arena (llm.c style): every parameter lives in ONE buffer, with matching buffers
// for gradients and Adam's m and v. A parameter is a named view (offset, shape). Sharing a weight
// between towers is "two names, one offset": `alias()` adds a name that points at an existing view,
// so both towers read the same memory and their backward passes `+=` into the same gradient.
import type { Gpu } from './runtime';
import { ALIGN_ELEMS, type Tensor, alignUp, numel } from './tensor';

export type InitKind =
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'const'; value: number };

export interface ParamSpec {
  shape: readonly number[];
  init: InitKind;
  /** AdamW weight decay applies (false for gains, biases, embeddings, logit scale/bias). */
  decay: boolean;
  /** Which tower(s) use it: filled by the model builder when resolving sharing. */
  group?: string;
  /**
   * Teacher runs only: part of the vision tower, stepped in its own optimiser groups (3 / 4 below) at
   * lr × lrMultVision (LLM2CLIP fine-tunes a pretrained vision encoder at its own lr; src/model/params.ts).
   */
  visionTower?: boolean;
}

export interface ParamView extends ParamSpec {
  /** Canonical name (the first name this storage was registered under). */
  readonly name: string;
  /** Element offset into the arena; a multiple of ALIGN_ELEMS. */
  readonly offset: number;
  readonly size: number;
  /** Every name that resolves to this view (tower-qualified names). */
  readonly names: string[];
}

/** Pure layout: no GPU needed, so parameter counts and sharing are testable anywhere. */
export class ArenaLayout {
  private byName = new Map<string, ParamView>();
  readonly views: ParamView[] = [];
  totalElements = 0;

  add(name: string, spec: ParamSpec): ParamView {
    if (this.byName.has(name)) throw new Error(`parameter "${name}" already exists`);
    const size = numel(spec.shape);
    const view: ParamView = { ...spec, name, offset: this.totalElements, size, names: [name] };
    this.totalElements += alignUp(Math.max(size, 1), ALIGN_ELEMS);
    this.views.push(view);
    this.byName.set(name, view);
    return view;
  }

  /** Make `name` refer to the same storage as `target` (shapes must agree). */
  alias(name: string, target: string): ParamView {
    const v = this.get(target);
    if (this.byName.has(name)) throw new Error(`parameter "${name}" already exists`);
    v.names.push(name);
    this.byName.set(name, v);
    return v;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): ParamView {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no parameter named "${name}"`);
    return v;
  }

  /** Number of real parameters (excluding alignment padding). */
  get paramCount(): number {
    return this.views.reduce((s, v) => s + v.size, 0);
  }

  /**
   * Per-block optimiser group (one u32 per 64-element block; views never share a block), read by AdamW
   * (src/kernels/optimizer.ts OPTIM_GROUPS): 0 = no decay (gains, biases, embeddings, logit scale — shared or
   * not), 1 = decaying and modality-specific (one name), 2 = decaying and shared between the towers (aliased);
   * a `visionTower` view (teacher runs) adds 3: 3 = its no-decay views, 4 = its decaying ones.
   */
  groupBlocks(): Uint32Array {
    const m = new Uint32Array(this.totalElements / ALIGN_ELEMS);
    for (const v of this.views) {
      const g = (v.decay ? (v.names.length > 1 ? 2 : 1) : 0) + (v.visionTower ? 3 : 0);
      if (g === 0) continue;
      const b0 = v.offset / ALIGN_ELEMS;
      const nb = alignUp(Math.max(v.size, 1), ALIGN_ELEMS) / ALIGN_ELEMS;
      m.fill(g, b0, b0 + nb);
    }
    return m;
  }
}

/** Seeded initial values for every view, in view order (deterministic for a given rng). */
export function initialValues(layout: ArenaLayout, normal: () => number, uniform01: () => number): Float32Array {
  const out = new Float32Array(layout.totalElements);
  for (const v of layout.views) {
    const dst = out.subarray(v.offset, v.offset + v.size);
    const init = v.init;
    if (init.kind === 'const') dst.fill(init.value);
    else if (init.kind === 'normal') for (let i = 0; i < v.size; i++) dst[i] = normal() * init.std;
    else for (let i = 0; i < v.size; i++) dst[i] = (2 * uniform01() - 1) * init.bound;
  }
  return out;
}

/** The arena on the GPU: params, grads, Adam m and v, and the decay mask. */
export class Arena {
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** Optimiser group per 64-element block (ArenaLayout.groupBlocks). */
  readonly groupMask: Tensor;

  constructor(
    readonly gpu: Gpu,
    readonly layout: ArenaLayout,
  ) {
    const bytes = layout.totalElements * 4;
    this.params = gpu.createBuffer(bytes, 'arena.params');
    this.grads = gpu.createBuffer(bytes, 'arena.grads');
    this.m = gpu.createBuffer(bytes, 'arena.adam_m');
    this.v = gpu.createBuffer(bytes, 'arena.adam_v');
    const mask = layout.groupBlocks();
    this.groupMask = gpu.fromArray(mask, [mask.length], 'arena.group_mask', 'u32');
  }

  private viewOf(buffer: GPUBuffer, name: string): Tensor {
    const v = this.layout.get(name);
    return { buffer, offset: v.offset * 4, shape: v.shape, dtype: 'f32', label: name };
  }

  param(name: string): Tensor {
    return this.viewOf(this.params, name);
  }

  grad(name: string): Tensor {
    return this.viewOf(this.grads, name);
  }

  /** The whole arena as one flat tensor (for the optimizer and norm reductions). */
  flat(which: 'params' | 'grads' | 'm' | 'v'): Tensor {
    return { buffer: this[which], offset: 0, shape: [this.layout.totalElements], dtype: 'f32', label: `arena.${which}` };
  }

  upload(values: Float32Array): void {
    this.gpu.upload(this.flat('params'), values);
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.m, this.v, this.groupMask.buffer]) b.destroy();
  }
}
