// Peer matmul implementations in the same page: tfjs-webgpu and onnxruntime-web. Each gets its own
// GPUDevice (the libraries create them); timing awaits that device's queue, so ratios compare
// submit-to-completion wall time for the same shapes.
import * as ort from 'onnxruntime-web/webgpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { matmulModel } from './onnx-model';

export interface CaseInputs {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  /** Row-major op-input storage: A is (K, M) when transA, else (M, K); B is (N, K) when transB, else (K, N). */
  a: Float32Array;
  b: Float32Array;
}

export interface Runner {
  /** Submit `k` products back to back and resolve when the GPU has finished them. */
  runMany(k: number): Promise<void>;
  read(): Promise<Float32Array>;
  dispose(): void;
}

// ------------------------------------------------------------------ tfjs-webgpu

export async function initTfjs(): Promise<string> {
  const ok = await tf.setBackend('webgpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(`tfjs backend is ${tf.getBackend()}, not webgpu`);
  return 'webgpu';
}

export function tfjsRunner(c: CaseInputs): Runner {
  const backend = tf.backend() as WebGPUBackend;
  const a = tf.tensor2d(c.a, c.transA ? [c.K, c.M] : [c.M, c.K]);
  const b = tf.tensor2d(c.b, c.transB ? [c.N, c.K] : [c.K, c.N]);
  let last: tf.Tensor | null = null;
  const runMany = async (k: number) => {
    const ys: tf.Tensor[] = [];
    for (let i = 0; i < k; i++) ys.push(tf.matMul(a, b, c.transA, c.transB));
    // tfjs submits every few dispatches by itself; close its open pass and submit the rest
    // (submitQueue alone would finish the encoder with the pass still open).
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
    await backend.queue.onSubmittedWorkDone();
    last?.dispose();
    last = ys.pop() ?? null;
    for (const y of ys) y.dispose();
  };
  return {
    runMany,
    async read() {
      if (!last) await runMany(1);
      return (await (last as unknown as tf.Tensor).data()) as Float32Array;
    },
    dispose() {
      last?.dispose();
      a.dispose();
      b.dispose();
    },
  };
}

// ------------------------------------------------------------------ onnxruntime-web

export interface OrtState {
  ep: 'webgpu' | 'wasm';
  /** 'gpu-buffer' when inputs/outputs stay on the GPU, 'cpu' when each run uploads and downloads. */
  io: 'gpu-buffer' | 'cpu';
  error?: string;
}

export function configureOrt(): void {
  ort.env.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', location.origin).href;
  ort.env.wasm.numThreads = 1; // no cross-origin isolation here, so no SharedArrayBuffer threads
  ort.env.logLevel = 'error';
}

export const ortVersion = (): string => ort.env.versions?.web ?? ort.env.versions?.common ?? 'unknown';

/** Try the WebGPU EP once on a tiny model; fall back to wasm (recorded) when it cannot start. */
export async function probeOrt(): Promise<OrtState> {
  configureOrt();
  const { bytes } = matmulModel({ M: 4, N: 4, K: 4 });
  try {
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    const a = new ort.Tensor('float32', new Float32Array(16).fill(1), [4, 4]);
    const out = await s.run({ A: a, B: a });
    const y = out.Y;
    const loc = y.location;
    const v = await y.getData(true);
    await s.release();
    if (loc !== 'gpu-buffer') return { ep: 'webgpu', io: 'cpu', error: `output location ${loc}` };
    if (Math.abs((v as Float32Array)[0] - 4) > 1e-5) throw new Error(`wrong result ${v[0]}`);
    return { ep: 'webgpu', io: 'gpu-buffer' };
  } catch (e) {
    return { ep: 'wasm', io: 'cpu', error: `WebGPU EP failed: ${String(e)}` };
  }
}

export async function ortRunner(c: CaseInputs, st: OrtState): Promise<Runner> {
  const m = matmulModel(c);
  const session = await ort.InferenceSession.create(m.bytes, {
    executionProviders: [st.ep],
    ...(st.io === 'gpu-buffer' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  });
  if (st.io === 'cpu') {
    const feeds = { A: new ort.Tensor('float32', c.a, m.aDims), B: new ort.Tensor('float32', c.b, m.bDims) };
    let last: Float32Array | null = null;
    const runMany = async (k: number) => {
      for (let i = 0; i < k; i++) last = (await session.run(feeds)).Y.data as Float32Array;
    };
    return {
      runMany,
      async read() {
        if (!last) await runMany(1);
        return last as unknown as Float32Array;
      },
      dispose() {
        void session.release();
      },
    };
  }
  const device = (await ort.env.webgpu.device) as GPUDevice;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buf = (data: Float32Array | number) => {
    const n = typeof data === 'number' ? data : data.length;
    const b = device.createBuffer({ size: Math.max(16, n * 4), usage });
    if (typeof data !== 'number') device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  };
  const bufs = [buf(c.a), buf(c.b), buf(c.M * c.N)];
  const feeds = {
    A: ort.Tensor.fromGpuBuffer(bufs[0], { dataType: 'float32', dims: m.aDims }),
    B: ort.Tensor.fromGpuBuffer(bufs[1], { dataType: 'float32', dims: m.bDims }),
  };
  const fetches = { Y: ort.Tensor.fromGpuBuffer(bufs[2], { dataType: 'float32', dims: [c.M, c.N] }) };
  return {
    async runMany(k) {
      for (let i = 0; i < k; i++) await session.run(feeds, fetches);
      await device.queue.onSubmittedWorkDone();
    },
    async read() {
      const st = device.createBuffer({ size: c.M * c.N * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(bufs[2], 0, st, 0, c.M * c.N * 4);
      device.queue.submit([enc.finish()]);
      await st.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(st.getMappedRange().slice(0));
      st.destroy();
      return out;
    },
    dispose() {
      void session.release();
      for (const b of bufs) b.destroy();
    },
  };
}
