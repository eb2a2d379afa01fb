// Training: bit-for-bit determinism, resume from a checkpoint, and that a small model learns.
import { test } from '@playwright/test';
import { runGpuChecks } from './gpu-checks';

test('training is deterministic, resumable, and learns', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  await runGpuChecks(page, 'train', 'group=train', 19 * 60_000);
});
