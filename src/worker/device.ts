// The worker's GPU device: acquire it, report its loss and errors to the UI, and keep a run going
// through a loss (a new device, the run's last stored checkpoint, at most 3 losses per run).
import { WebGpuUnavailable, acquireDevice, watchDevice } from '../gpu/device';
import { Gpu } from '../gpu/runtime';
import { loadCheckpoint } from '../train/checkpoint-store';
import { type RunCallbacks, type RunResult, type TrainData, runTraining } from '../train/runner';
import type { Trainer } from '../train/trainer';
import type { RunRequest } from '../train/types';
import { type RunState, W, post } from './state';

/** True between a device loss and the re-acquisition of a new device. */
let deviceLost = false;
let lostReason = '';

/** Acquire a device and route its loss/errors to the UI; on loss, flag it so the run loop recovers. */
export async function acquire(): Promise<boolean> {
  try {
    const { device, caps } = await acquireDevice();
    W.gpu = new Gpu(device, { caps });
    deviceLost = false;
    watchDevice(device, (problem) => {
      post({ type: 'gpu-problem', problem });
      if (problem.kind === 'lost') {
        deviceLost = true;
        lostReason = problem.message || problem.reason;
      }
    });
    post({ type: 'ready', adapter: caps.adapterDescription, features: [...caps.features] });
    return true;
  } catch (e) {
    if (e instanceof WebGpuUnavailable) post({ type: 'unsupported', reason: e.reason, message: e.message });
    else post({ type: 'error', message: `GPU initialisation failed: ${String(e)}` });
    return false;
  }
}

/** For tests and for trying recovery by hand: what a driver reset looks like to the app. */
export const loseDevice = () => W.gpu?.device.destroy();

/**
 * Run training; if the GPU device is lost mid-run (driver reset, out of memory, destroy()), acquire a
 * new device, restore the run's last checkpoint from IndexedDB (or restart it if none was saved yet)
 * and continue — at most one checkpoint interval of steps is recomputed. Gives up after 3 losses.
 */
export async function trainWithRecovery(st: RunState, cfg: RunRequest['config'], data: TrainData, cb: RunCallbacks, first?: Trainer): Promise<RunResult> {
  const { id } = st.req;
  for (let attempt = 0; ; attempt++) {
    let trainer: Trainer | undefined = attempt === 0 ? first : undefined;
    if (attempt > 0) {
      if (!(await acquire()) || !W.gpu) throw new Error('the GPU device was lost and no new device could be acquired');
      const saved = await loadCheckpoint(id).catch(() => undefined);
      const { Trainer: T } = await import('../train/trainer');
      trainer = new T(W.gpu, cfg, st.req.hyper, st.req.seed);
      let from = 0;
      if (saved) {
        trainer.loadCheckpoint(saved.bytes);
        from = saved.step;
      } else if (st.req.from?.kind === 'file') {
        // Not yet checkpointed since it was opened: back to the opened file, not to a fresh init.
        from = trainer.loadCheckpoint(st.req.from.bytes).step;
      }
      st.history = st.history?.filter((r) => r[0] <= from);
      post({ type: 'rewind', id, step: from });
      post({
        type: 'status',
        id,
        status: 'running',
        message: `GPU device lost (${lostReason || 'unknown reason'}; often out of memory or a driver reset) — resumed from ${from > 0 ? `the checkpoint at step ${from}` : 'the start (no checkpoint yet)'}`,
      });
    }
    if (!W.gpu) throw new Error('no GPU');
    try {
      return await runTraining(W.gpu, { id, config: cfg, hyper: st.req.hyper, seed: st.req.seed }, data, cb, trainer);
    } catch (e) {
      // A lost device shows up as failed mapAsync / submits; wait a moment for the lost promise.
      await new Promise((r) => setTimeout(r, 50));
      if (!deviceLost || attempt >= 3) throw e;
      st.live = undefined;
    }
  }
}
