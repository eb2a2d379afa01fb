// Per-dispatch uniform slices. `queue.writeBuffer` happens immediately while compute passes are
// deferred until submit, so two dispatches must never share a uniform slot within one submission.
// We stage every dispatch's parameters in CPU memory and upload them with ONE writeBuffer just
// before the submit.

export const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment

/** A uniform value: plain numbers are u32; wrap with f32()/i32() for other types. */
export type UniformValue = number | { f32: number } | { i32: number };
export const f32 = (x: number): UniformValue => ({ f32: x });
export const i32 = (x: number): UniformValue => ({ i32: x });

export class UniformRing {
  readonly buffer: GPUBuffer;
  private staging: ArrayBuffer;
  private u32: Uint32Array;
  private i32v: Int32Array;
  private f32v: Float32Array;
  used = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly slots = 8192,
  ) {
    this.buffer = device.createBuffer({
      label: 'uniform-ring',
      size: slots * UNIFORM_SLOT,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.staging = new ArrayBuffer(slots * UNIFORM_SLOT);
    this.u32 = new Uint32Array(this.staging);
    this.i32v = new Int32Array(this.staging);
    this.f32v = new Float32Array(this.staging);
  }

  get full(): boolean {
    return this.used >= this.slots;
  }

  /** Write values into the next slot; returns its byte offset. */
  push(values: readonly UniformValue[]): number {
    if (values.length > UNIFORM_SLOT / 4) throw new Error(`too many uniforms (${values.length})`);
    if (this.full) throw new Error('uniform ring full: flush first');
    const slot = this.used++;
    const base = (slot * UNIFORM_SLOT) / 4;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`uniform #${i}: ${v} is not a u32`);
        this.u32[base + i] = v;
      } else if ('f32' in v) this.f32v[base + i] = v.f32;
      else this.i32v[base + i] = v.i32;
    }
    return slot * UNIFORM_SLOT;
  }

  /** Upload every slot used since the last upload (call right before submit). */
  upload(): void {
    if (this.used === 0) return;
    this.device.queue.writeBuffer(this.buffer, 0, this.staging, 0, this.used * UNIFORM_SLOT);
  }

  reset(): void {
    this.used = 0;
  }
}
