// Reliability: the GPU device is destroyed mid-run (what a driver reset or an out-of-memory loss looks
// like); the app says so, acquires a new device, restores the last checkpoint and finishes the run.
import { expect, test } from '@playwright/test';

const RUN = {
  dataset: { kind: 'builtin', seed: 0, count: 128, valCount: 48, heldOutCount: 16, size: 16 },
  model: {
    vision: { imageSize: 16, patchSize: 8, width: 16, depth: 1, heads: 2, mlpRatio: 2 },
    text: { width: 16, depth: 1, heads: 2, mlpRatio: 2 },
    embedDim: 16,
  },
  loss: 'infonce',
  hyper: { batchSize: 16, steps: 60, logEvery: 3, evalEvery: 30, checkpointEvery: 6, warmup: 1 },
  presets: ['shared-attn'],
  seeds: [0],
  runs: [{ preset: 'shared-attn', seed: 0 }],
};

test('a lost GPU device is recovered and the run resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`/#${encodeURIComponent(JSON.stringify(RUN))}`);
  await expect(page.getByTestId('gpu-status')).toContainText('GPU:', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train').click();
  const row = page.getByTestId('run-row');
  // Wait until at least one checkpoint interval (6 steps) has passed.
  const progress = row.locator('progress');
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 180_000 }).toBeGreaterThanOrEqual(6);
  await page.evaluate(() => (window as unknown as { __sharelab: { loseDevice(): void } }).__sharelab.loseDevice());
  await expect(page.getByText(/device lost/i).first()).toBeVisible({ timeout: 60_000 });
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 5 * 60_000 });
  await expect(row).toContainText('60/60');
  await expect(row).toContainText(/resumed from the checkpoint at step \d+/);
  await page.screenshot({ path: 'test-results/reliability-device-lost.png', fullPage: true });
  expect(problems).toEqual([]);
});
