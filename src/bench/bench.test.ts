// Pure pieces of the benchmarks: statistics, the hand-written ONNX encoding, the 'auto' kernel pick,
// report arithmetic (speed-ups, soak growth), the tfjs attention mask.
import { describe, expect, it } from 'vitest';
import { pickedKernel } from './matmul-bench';
import { matmulModel } from './onnx-model';
import { opFlops, opName } from './ops-bench';
import { autoResult, browserName, geomean, markdownReport, matmulSpeedups } from './report';
import { slope, soakGrowth } from './soak';
import { median, relSpread, rotate } from './stats';
import { attentionMask } from './tf-ops';
import type { BenchResults, MatmulCase, SoakSample } from './types';

describe('bench helpers', () => {
  it('median / spread / rotate', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(relSpread([10, 10, 10])).toBe(0);
    expect(rotate([1, 2, 3], 4)).toEqual([2, 3, 1]);
  });

  it('encodes a MatMul / Gemm model with the expected protobuf framing', () => {
    const m = matmulModel({ M: 544, N: 96, K: 32 });
    expect(m.op).toBe('MatMul');
    expect([...m.bytes.slice(0, 2)]).toEqual([0x08, 0x08]); // field 1 (ir_version), varint 8
    const text = new TextDecoder().decode(m.bytes);
    expect(text).toContain('MatMul');
    const g = matmulModel({ M: 32, N: 96, K: 544, transA: true });
    expect(g.op).toBe('Gemm');
    expect(g.aDims).toEqual([544, 32]);
    expect(new TextDecoder().decode(g.bytes)).toContain('transA');
  });

  it('reports which kernel auto picks', () => {
    expect(pickedKernel({ name: '', group: 'train', M: 544, N: 96, K: 32, transB: true })).toBe('vec4');
    expect(pickedKernel({ name: '', group: 'train', M: 544, N: 32, K: 96 })).toBe('vec4nn');
    expect(pickedKernel({ name: '', group: 'train', M: 96, N: 32, K: 544, transA: true })).toBe('vec4tn');
    expect(pickedKernel({ name: '', group: 'train', M: 17, N: 33, K: 65, transB: true })).toBe('direct');
  });

  it('speed-ups compare the auto kernel with each peer; geometric mean ignores missing cases', () => {
    const c = (auto: number, tfjs: number): MatmulCase => ({
      name: 'x',
      group: 'train',
      M: 4,
      N: 4,
      K: 4,
      transA: false,
      transB: false,
      opsPerSample: 1,
      autoPicks: 'vec4nn',
      results: [
        { impl: 'ours-vec4nn', msPerOp: 1, gflops: auto, spread: 0, samples: [] },
        { impl: 'ours-direct', msPerOp: 1, gflops: 100, spread: 0, samples: [] },
        { impl: 'tfjs-webgpu', msPerOp: 1, gflops: tfjs, spread: 0, samples: [] },
      ],
    });
    const res = { matmul: [c(2, 1), c(8, 1)] } as BenchResults;
    expect(autoResult(res.matmul[0])?.impl).toBe('ours-vec4nn');
    expect(matmulSpeedups(res, 'tfjs-webgpu')).toEqual([2, 8]);
    expect(geomean([2, 8, Number.NaN])).toBeCloseTo(4, 12);
  });

  it('soak growth: GPU bytes and heap change after warm-up, least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [5, 7, 9, 11])).toBeCloseTo(2, 12);
    const s = (step: number, gpu: number, heap: number): SoakSample => ({ step, gpuBytesCreated: gpu, activationBytes: 10, pipelines: 3, jsHeapBytes: heap, msPerStep: 1, loss: 1 });
    const g = soakGrowth([s(1, 100, 50), s(100, 500, 40), s(200, 500, 41), s(300, 500, 42), s(400, 500, 43)], 100);
    expect(g.gpuBytesGrowth).toBe(0);
    expect(g.activationBytesGrowth).toBe(0);
    expect(g.jsHeapGrowthBytes).toBe(2); // median(41, 42, 43) − 40
    expect(g.jsHeapSlopeBytesPerStep).toBeCloseTo(0.01, 12);
  });

  it('attention mask: causal and padding, lengths clamped to [1, T]', () => {
    const m = attentionMask(2, 3, true, [2, 0]) as Float32Array;
    const visible = (b: number, i: number) => [0, 1, 2].filter((j) => m[(b * 3 + i) * 3 + j] === 0);
    expect(visible(0, 0)).toEqual([0]);
    expect(visible(0, 2)).toEqual([0, 1]); // j < len 2
    expect(visible(1, 2)).toEqual([0]); // len 0 → 1
    expect(attentionMask(2, 3, false)).toBeNull();
  });

  it('names and FLOPs of the op cases', () => {
    expect(opName({ op: 'infonce', B: 16384, D: 64 })).toBe('infonce B=16384 D=64');
    expect(opFlops({ op: 'infonce', B: 2, D: 3 })).toBe(2 * 4 * 3 * 3);
    expect(opFlops({ op: 'attention', B: 1, T: 2, H: 1, D: 4 })).toBe(2 * 4 * 4 * 6);
  });

  it('markdown report: machine line and sections', () => {
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36')).toBe('Chromium 156.0.0.0 (headless)');
    const res: BenchResults = {
      userAgent: 'HeadlessChrome/156.0.0.0',
      adapter: { vendor: 'google', architecture: 'swiftshader' },
      features: [],
      startedAt: '',
      wallMs: 1000,
      reps: 5,
      notes: [],
      peers: { tfjs: { backend: 'webgpu' }, ort: { ep: 'webgpu', io: 'gpu-buffer', version: '1.30.0' } },
      matmul: [],
      machine: { cpus: 2, cpuModel: 'AMD EPYC', platform: 'linux x64', node: 'v20', memGiB: 24 },
    };
    const md = markdownReport(res);
    expect(md).toContain('SwiftShader: WebGPU on the CPU');
    expect(md).toContain('2 CPUs (AMD EPYC)');
    expect(md).not.toContain('### Matmul');
  });
});
