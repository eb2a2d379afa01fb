// Out-of-memory handling. A WebGPU allocation that does not fit fails asynchronously (an
// 'out-of-memory' error, or a validation error when a buffer is over the adapter's limits), and
// without an error scope it surfaces as an uncaptured error far from its cause. We scope the first
// step of every run (when all of its buffers are allocated) and turn a failure into one clear message.

/** The run does not fit in GPU memory (or in the adapter's per-buffer limits). */
export class GpuMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuMemoryError';
  }
}

/** What to tell the user: what failed and the two knobs that fix it. */
export function memoryAdvice(detail: string, ctx: { batchSize?: number; params?: number }): string {
  const parts = [`Out of GPU memory: ${detail}.`];
  const hints: string[] = [];
  if (ctx.batchSize) hints.push(`a smaller batch (now ${ctx.batchSize}; activations grow with it)`);
  hints.push(`a smaller model (width, depth or image size${ctx.params ? `; now ${ctx.params.toLocaleString()} parameters` : ''})`);
  parts.push(`Try ${hints.join(' or ')}. Nothing else was affected; other runs can continue.`);
  return parts.join(' ');
}

/**
 * Run `f` (which records GPU work and allocates) inside out-of-memory and validation error scopes and
 * wait for the GPU to report. Throws GpuMemoryError for out-of-memory (and for buffer-size validation
 * errors), a plain Error for other validation errors.
 */
export async function withMemoryScope<T>(device: GPUDevice, f: () => T | Promise<T>, ctx: { batchSize?: number; params?: number } = {}): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  let thrown: unknown;
  try {
    result = await f();
  } catch (e) {
    thrown = e;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (oom) throw new GpuMemoryError(memoryAdvice(oom.message || 'an allocation failed', ctx));
  if (thrown instanceof GpuMemoryError) throw new GpuMemoryError(memoryAdvice(thrown.message, ctx));
  if (thrown) throw thrown;
  if (validation) {
    if (/size|limit|exceed/i.test(validation.message)) throw new GpuMemoryError(memoryAdvice(validation.message, ctx));
    throw new Error(`GPU validation error: ${validation.message}`);
  }
  return result!;
}
