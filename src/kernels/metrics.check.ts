import { Rng, randArray } from '../util/rng';
import { type KernelCheck, gpuScope, makeCheck } from './check';
import { METRICS_PER_SLOT, recordMetrics, recordMetricsRef } from './metrics';

// Copies of stored f32 values: exact.
const EXACT = { atol: 0, rtol: 0 };

// Slots: the first, a middle one and the last of a history; other slots must stay untouched.
const cases = [
  { slots: 1, slot: 0 },
  { slots: 7, slot: 3 },
  { slots: 7, slot: 6 },
];

export const checks: KernelCheck[] = cases.map((c, i) =>
  makeCheck('metrics.record', `slot ${c.slot} of ${c.slots}`, async (gpu) => {
    const rng = new Rng(800 + i);
    const loss = randArray(rng, 1);
    const stats = [1.25, 1, i % 2, 0];
    const logT = randArray(rng, 1);
    const hist = randArray(rng, c.slots * METRICS_PER_SLOT);
    const s = gpuScope(gpu);
    const h = s.up(hist, 'hist');
    recordMetrics(gpu, s.up(loss, 'loss'), s.up(stats, 'stats'), s.up(logT, 'logT'), h, c.slot);
    const got = await gpu.read(h);
    s.free();
    return [{ label: 'hist', actual: got, expected: recordMetricsRef(loss, stats, logT, hist, c.slot), tol: EXACT }];
  }),
);
