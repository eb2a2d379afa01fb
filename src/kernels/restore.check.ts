import { Rng, randArray } from '../util/rng';
import type { KernelCheck } from './check';
import { gpuScope, makeCheck } from './elementwise.check';
import { restoreIfSkipped, restoreIfSkippedRef } from './restore';

// A select between two stored values: exact either way.
const EXACT = { atol: 0, rtol: 0 };

interface Case {
  n: number;
  flag: number;
  heavy?: boolean;
}
const cases: Case[] = [
  { n: 1, flag: 1 },
  { n: 1, flag: 0 },
  { n: 257, flag: 1 },
  { n: 257, flag: 0 },
  { n: 100_003, flag: 1 },
  { n: 100_003, flag: 0 },
];

export const checks: KernelCheck[] = cases.map((c, i) =>
  makeCheck(
    'restore.ifSkipped',
    `n=${c.n} flag=${c.flag}`,
    async (gpu) => {
      const stats = [3.5, 1, c.flag, 0];
      const backup = randArray(new Rng(700 + i), c.n);
      const out = randArray(new Rng(750 + i), c.n);
      const s = gpuScope(gpu);
      const o = s.up(out, 'out');
      restoreIfSkipped(gpu, s.up(stats, 'stats'), s.up(backup, 'backup'), o, c.n);
      const got = await gpu.read(o);
      s.free();
      return [{ label: 'out', actual: got, expected: restoreIfSkippedRef(stats, backup, out), tol: EXACT }];
    },
    c.heavy,
  ),
);
