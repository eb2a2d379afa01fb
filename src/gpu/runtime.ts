// The GPU runtime: one command encoder per step, one compute pass per encoder (one per dispatch
// when profiling), per-dispatch uniform slices, cached pipelines and bind groups, folded grids,
// and readback only where asked.
import { GpuMemoryError } from './memory';
import { type Capabilities, capabilitiesOf } from './device';
import { type Constants, PipelineCache, type ShaderSource } from './pipelines';
import { Profiler } from './profiler';
import { ALIGN_ELEMS, type DType, type Tensor, alignUp, numel } from './tensor';
import { UniformRing, type UniformValue } from './uniforms';

export interface Dispatch {
  shader: ShaderSource;
  entry?: string;
  constants?: Constants;
  /** Bound at @binding(1), @binding(2), … in order (binding 0 is the uniform block, if any). */
  bindings: readonly Tensor[];
  uniforms?: readonly UniformValue[];
  /**
   * Workgroup counts. A 1-D count above maxComputeWorkgroupsPerDimension is folded into (x, y);
   * such kernels must linearise `wg.x + wg.y * nwg.x` and bounds-check.
   */
  grid: number | readonly [number, number?, number?];
  /** Label for profiling (defaults to shader name). */
  label?: string;
}

export interface GpuStats {
  dispatches: number;
  submits: number;
  readbacks: number;
  bytesAllocated: number;
}

export class Gpu {
  readonly pipelines: PipelineCache;
  readonly caps: Capabilities;
  private uniforms: UniformRing;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private bindGroups = new Map<string, GPUBindGroup>();
  private bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  readonly profiler: Profiler | null;
  readonly stats: GpuStats = { dispatches: 0, submits: 0, readbacks: 0, bytesAllocated: 0 };

  constructor(
    readonly device: GPUDevice,
    opts: { profile?: boolean; caps?: Capabilities } = {},
  ) {
    this.caps = opts.caps ?? capabilitiesOf(device);
    this.pipelines = new PipelineCache(device);
    this.uniforms = new UniformRing(device);
    this.profiler = opts.profile && this.caps.features.has('timestamp-query') ? new Profiler(device) : null;
  }

  // ---------------------------------------------------------------- memory

  createBuffer(bytes: number, label: string, extraUsage = 0): GPUBuffer {
    const size = alignUp(Math.max(bytes, 16), 16);
    // Every buffer is bound whole as storage, so the binding limit applies too.
    const limit = Math.min(this.caps.limits.maxBufferSize, this.caps.limits.maxStorageBufferBindingSize);
    if (size > limit) {
      throw new GpuMemoryError(`buffer "${label}" needs ${(size / 2 ** 20).toFixed(1)} MiB; this GPU allows ${(limit / 2 ** 20).toFixed(1)} MiB per buffer`);
    }
    const buf = this.device.createBuffer({
      label,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
    });
    this.stats.bytesAllocated += size;
    return buf;
  }

  /** A tensor with its own buffer (for tests, parameters and long-lived state). */
  tensor(shape: readonly number[], label = 'tensor', dtype: DType = 'f32'): Tensor {
    return { buffer: this.createBuffer(numel(shape) * 4, label), offset: 0, shape, dtype, label };
  }

  upload(t: Tensor, data: Float32Array | Int32Array | Uint32Array): void {
    if (data.length !== numel(t.shape)) {
      throw new Error(`upload to ${t.label}: ${data.length} values for shape [${t.shape}]`);
    }
    this.device.queue.writeBuffer(t.buffer, t.offset, data.buffer, data.byteOffset, data.byteLength);
  }

  fromArray(data: ArrayLike<number>, shape: readonly number[], label = 'tensor', dtype: DType = 'f32'): Tensor {
    const t = this.tensor(shape, label, dtype);
    const arr = dtype === 'f32' ? Float32Array.from(data) : dtype === 'i32' ? Int32Array.from(data) : Uint32Array.from(data);
    this.upload(t, arr);
    return t;
  }

  // ---------------------------------------------------------------- dispatch

  private bufferId(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(b, id);
    }
    return id;
  }

  private beginPass(label: string): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'step' });
    if (this.profiler) {
      this.pass?.end();
      this.pass = this.encoder.beginComputePass({ label, timestampWrites: this.profiler.nextWrites(label) });
      return this.pass;
    }
    if (!this.pass) this.pass = this.encoder.beginComputePass({ label: 'step' });
    return this.pass;
  }

  /** Record one dispatch into the current step's encoder. Nothing runs until flush(). */
  run(d: Dispatch): void {
    if (this.uniforms.full || this.profiler?.full) this.flush();
    const pipeline = this.pipelines.get(d.shader, d.entry ?? 'main', d.constants);
    let uOffset = -1;
    if (d.uniforms && d.uniforms.length > 0) uOffset = this.uniforms.push(d.uniforms);

    // Bind groups are cached: a training step records the same dispatches on the same
    // buffers every time, so after the first step this is a map lookup.
    let key = `${this.pipelines.id(pipeline)}|${uOffset}`;
    for (const t of d.bindings) key += `|${this.bufferId(t.buffer)}@${t.offset}+${numel(t.shape)}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      const entries: GPUBindGroupEntry[] = [];
      if (uOffset >= 0) entries.push({ binding: 0, resource: { buffer: this.uniforms.buffer, offset: uOffset, size: 256 } });
      d.bindings.forEach((t, i) => {
        const size = Math.max(4, numel(t.shape) * 4);
        entries.push({ binding: i + 1, resource: { buffer: t.buffer, offset: t.offset, size } });
      });
      bg = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      if (this.bindGroups.size > 20000) this.bindGroups.clear();
      this.bindGroups.set(key, bg);
    }

    const [x, y, z] = this.foldGrid(d.grid);
    const pass = this.beginPass(d.label ?? d.shader.name);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(x, y, z);
    this.stats.dispatches++;
  }

  foldGrid(grid: Dispatch['grid']): [number, number, number] {
    const max = this.caps.limits.maxComputeWorkgroupsPerDimension;
    let [x, y, z] = typeof grid === 'number' ? [grid, 1, 1] : [grid[0], grid[1] ?? 1, grid[2] ?? 1];
    x = Math.max(1, Math.ceil(x));
    y = Math.max(1, Math.ceil(y));
    z = Math.max(1, Math.ceil(z));
    if (x > max) {
      if (y !== 1) throw new Error(`grid x=${x} exceeds ${max} and y=${y} is in use: cannot fold`);
      y = Math.ceil(x / max);
      x = max;
    }
    if (y > max || z > max) throw new Error(`grid (${x},${y},${z}) exceeds ${max} per dimension`);
    return [x, y, z];
  }

  /** Submit everything recorded so far as one command buffer. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    this.profiler?.resolve(this.encoder);
    this.uniforms.upload();
    this.device.queue.submit([this.encoder.finish()]);
    this.uniforms.reset();
    this.encoder = null;
    this.stats.submits++;
    this.profiler?.afterSubmit();
  }

  /** Copy `t` back to the CPU (flushes pending work first). Use sparingly: it stalls. */
  async read(t: Tensor): Promise<Float32Array> {
    const buf = await this.readBytes(t.buffer, t.offset, numel(t.shape) * 4);
    return new Float32Array(buf);
  }

  async readInt(t: Tensor): Promise<Int32Array> {
    return new Int32Array(await this.readBytes(t.buffer, t.offset, numel(t.shape) * 4));
  }

  async readBytes(src: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    this.flush();
    const size = alignUp(Math.max(bytes, 4), 4);
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(src, offset, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    this.stats.readbacks++;
    await staging.mapAsync(GPUMapMode.READ);
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return out;
  }

  /** Resolves when all submitted work has finished. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  destroy(): void {
    this.bindGroups.clear();
    this.uniforms.buffer.destroy();
    this.device.destroy();
  }
}

/**
 * Activation memory planned by allocation order: the k-th allocation of a step gets the k-th buffer,
 * reused every step (the graph is the same each step), grown only when a later pass needs more.
 * One buffer per tensor — not sub-ranges of a big one — because WebGPU forbids binding one buffer
 * both read-only and read-write in the same dispatch, even at disjoint offsets.
 */
export class BumpAllocator {
  private slots: { buffer: GPUBuffer; bytes: number }[] = [];
  private cursor = 0;

  constructor(
    private readonly gpu: Gpu,
    private readonly label = 'act',
  ) {}

  alloc(shape: readonly number[], label?: string, dtype: DType = 'f32'): Tensor {
    const bytes = alignUp(Math.max(1, numel(shape)), ALIGN_ELEMS) * 4;
    let slot = this.slots[this.cursor];
    if (!slot || slot.bytes < bytes) {
      slot?.buffer.destroy();
      slot = { buffer: this.gpu.createBuffer(bytes, `${this.label}#${this.cursor}${label ? ` ${label}` : ''}`), bytes };
      this.slots[this.cursor] = slot;
    }
    this.cursor++;
    return { buffer: slot.buffer, offset: 0, shape, dtype, label };
  }

  /** Start the next pass: allocations map onto the same buffers again. */
  reset(): void {
    this.cursor = 0;
  }

  get bytesReserved(): number {
    return this.slots.reduce((s, c) => s + c.bytes, 0);
  }

  destroy(): void {
    for (const c of this.slots) c.buffer.destroy();
    this.slots = [];
    this.cursor = 0;
  }
}
