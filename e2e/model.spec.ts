// Whole-model checks: every sharing preset's GPU forward vs the independent float64 reference,
// every parameter group's gradient vs float64 finite differences, and shared = Σ tower gradients.
import { test } from '@playwright/test';
import { runGpuChecks } from './gpu-checks';

test('whole-model gradients for every preset', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await runGpuChecks(page, 'model', 'group=model', 9 * 60_000);
});
