// Pipeline cache keyed by shader name + entry point + override constants.
// Compiling a WGSL module is the expensive part, so modules are cached by shader name as well.

export interface ShaderSource {
  /** Unique, stable name (the .wgsl file name); part of every cache key. */
  readonly name: string;
  readonly code: string;
}

export type Constants = Readonly<Record<string, number | boolean>>;

export function pipelineKey(shader: ShaderSource, entry: string, constants: Constants | undefined): string {
  if (!constants) return `${shader.name}:${entry}`;
  const parts = Object.keys(constants)
    .sort()
    .map((k) => `${k}=${Number(constants[k])}`);
  return `${shader.name}:${entry}:${parts.join(',')}`;
}

export class PipelineCache {
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();
  private ids = new Map<GPUComputePipeline, number>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  get(shader: ShaderSource, entry = 'main', constants?: Constants): GPUComputePipeline {
    const key = pipelineKey(shader, entry, constants);
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(shader.name);
    if (!module) {
      module = this.device.createShaderModule({ label: shader.name, code: shader.code });
      this.modules.set(shader.name, module);
    }
    const c: Record<string, number> = {};
    if (constants) for (const k of Object.keys(constants)) c[k] = Number(constants[k]);
    p = this.device.createComputePipeline({
      label: key,
      layout: 'auto',
      compute: { module, entryPoint: entry, constants: c },
    });
    this.pipelines.set(key, p);
    this.ids.set(p, this.ids.size);
    this.compiled++;
    return p;
  }

  id(p: GPUComputePipeline): number {
    return this.ids.get(p) ?? -1;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
