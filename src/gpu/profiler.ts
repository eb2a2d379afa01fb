// GPU timestamps per kernel (when the adapter has 'timestamp-query'). When profiling, the runtime
// gives every dispatch its own compute pass with begin/end timestamp writes; results are resolved
// into a buffer at flush and read asynchronously, so profiling never adds a stall to the step.

export interface KernelTime {
  label: string;
  ms: number;
  count: number;
}

export class Profiler {
  private querySet: GPUQuerySet;
  private resolveBuf: GPUBuffer;
  private labels: string[] = [];
  private pending: Promise<void>[] = [];
  readonly capacity = 2048; // passes per flush
  totals = new Map<string, { ns: number; count: number }>();

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: this.capacity * 2 });
    this.resolveBuf = device.createBuffer({
      size: this.capacity * 2 * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
  }

  get full(): boolean {
    return this.labels.length >= this.capacity;
  }

  nextWrites(label: string): GPUComputePassTimestampWrites {
    const i = this.labels.length;
    this.labels.push(label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  resolve(encoder: GPUCommandEncoder): void {
    const n = this.labels.length;
    if (n === 0) return;
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuf, 0);
    const staging = this.device.createBuffer({ size: 2 * n * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(this.resolveBuf, 0, staging, 0, 2 * n * 8);
    const labels = this.labels;
    this.labels = [];
    this.pendingStaging = { staging, labels };
  }

  private pendingStaging: { staging: GPUBuffer; labels: string[] } | null = null;

  afterSubmit(): void {
    const p = this.pendingStaging;
    this.pendingStaging = null;
    if (!p) return;
    this.pending.push(
      p.staging.mapAsync(GPUMapMode.READ).then(() => {
        const t = new BigUint64Array(p.staging.getMappedRange());
        p.labels.forEach((label, i) => {
          const ns = Number(t[2 * i + 1] - t[2 * i]);
          const e = this.totals.get(label) ?? { ns: 0, count: 0 };
          e.ns += ns > 0 && ns < 1e11 ? ns : 0;
          e.count++;
          this.totals.set(label, e);
        });
        p.staging.unmap();
        p.staging.destroy();
      }),
    );
  }

  /** Wait for outstanding timestamp reads and return per-label totals, slowest first. */
  async report(): Promise<KernelTime[]> {
    await Promise.all(this.pending);
    this.pending = [];
    return [...this.totals.entries()]
      .map(([label, v]) => ({ label, ms: v.ns / 1e6, count: v.count }))
      .sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.totals.clear();
  }
}
