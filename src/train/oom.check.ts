// Out-of-memory handling on the real GPU: an allocation over the adapter's limit inside a run's first
// step becomes one GpuMemoryError with advice (smaller batch / model), the trainer is not left
// half-alive, and the same device keeps training afterwards. The limit is lowered on a second Gpu view
// of the same device (1 MiB per buffer), so the failure is real WebGPU behaviour at a tiny cost.
import { builtinSet, prepare } from '../data/prepare';
import { GpuMemoryError, withMemoryScope } from '../gpu/memory';
import { Gpu } from '../gpu/runtime';
import type { KernelCheck } from '../kernels/check';
import type { ClipConfig } from '../model/config';
import { presetConfig } from '../model/registry';
import { DEFAULT_HYPER, type TrainHyper } from './hyper';
import { runTraining } from './runner';

const CFG: Partial<ClipConfig> = {
  vision: { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, mlpRatio: 4, pool: 'cls' },
  text: { contextLength: 16, vocabSize: 512, width: 32, depth: 1, heads: 2, mlpRatio: 4, causal: true },
  embedDim: 16,
};

export const checks: KernelCheck[] = [
  {
    kernel: 'train.oom',
    name: 'a run over the GPU memory limit stops with advice; the device keeps working',
    async run(gpu) {
      const notes: string[] = [];
      let ok = true;
      // 1. A raw buffer over the real limit, scoped.
      const limits = gpu.caps.limits;
      try {
        await withMemoryScope(gpu.device, () => gpu.createBuffer(limits.maxBufferSize + 1024, 'too-big'), { batchSize: 64 });
        ok = false;
        notes.push('over-limit buffer was NOT refused');
      } catch (e) {
        const good = e instanceof GpuMemoryError && /smaller batch \(now 64/.test(e.message);
        ok &&= good;
        notes.push(`over-limit buffer: ${good ? 'GpuMemoryError with advice' : `wrong error: ${String(e)}`}`);
      }
      // 2. A whole run whose activations exceed a 1 MiB per-buffer limit.
      const small = new Gpu(gpu.device, { caps: { ...gpu.caps, limits: { ...limits, maxBufferSize: 1 << 20, maxStorageBufferBindingSize: 1 << 20 } } });
      const set = builtinSet({ seed: 1, count: 256, valCount: 32, heldOutCount: 16, size: 16 });
      const prep = prepare(set, 16, 512);
      const config = presetConfig('separate', { ...CFG, text: { ...CFG.text, vocabSize: prep.tokenizer.vocabSize } as ClipConfig['text'] });
      const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 256, steps: 3, warmup: 1, logEvery: 3, evalEvery: 0, checkpointEvery: 0 };
      try {
        await runTraining(small, { id: 'oom', config, hyper: h, seed: 1 }, prep.makeData(1, 256));
        ok = false;
        notes.push('over-limit run was NOT refused');
      } catch (e) {
        const good = e instanceof GpuMemoryError && /Out of GPU memory: buffer ".*" needs .* MiB; this GPU allows 1\.0 MiB per buffer\. Try a smaller batch \(now 256/.test(e.message);
        ok &&= good;
        notes.push(`run: ${good ? `"${e instanceof Error ? e.message.slice(0, 120) : ''}…"` : `wrong error: ${String(e)}`}`);
      }
      // 3. The same device trains a run that fits.
      const fits = { ...h, batchSize: 8 };
      const r = await runTraining(gpu, { id: 'fits', config, hyper: fits, seed: 1 }, prep.makeData(1, 8));
      const params = await r.trainer.readParams();
      r.trainer.destroy();
      const finite = params.every(Number.isFinite) && r.final !== undefined;
      ok &&= finite;
      notes.push(`afterwards a run that fits trains on the same device: ${finite}`);
      return { kernel: 'train.oom', name: 'oom', ok, maxAbsErr: 0, message: notes.join('; ') };
    },
  },
];
