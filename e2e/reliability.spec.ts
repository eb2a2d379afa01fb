// Reliability: the GPU device is destroyed mid-run (what a driver reset or an out-of-memory loss looks
// like); the app says so, acquires a new device, restores the last checkpoint and finishes the run.
import { expect, test } from '@playwright/test';
import { hashUrl, idbAll, tinyExperiment } from './support';

const RUN = tinyExperiment({ presets: ['shared-attn'], seeds: [0], hyper: { steps: 60, evalEvery: 30, checkpointEvery: 6 } });

test('a lost GPU device is recovered and the run resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(hashUrl(RUN));
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

const TWO = tinyExperiment({ presets: ['separate'], seeds: [0, 1], hyper: { steps: 30, evalEvery: 15, checkpointEvery: 0 } });

/** Sizes of the checkpoints stored in IndexedDB right now, by run id. */
const storedSizes = async (page: import('@playwright/test').Page) =>
  Object.fromEntries((await idbAll<{ runId: string; bytes: Uint8Array }>(page, 'sharelab', 'checkpoints')).map((c) => [c.runId, c.bytes.byteLength]));

test('storage full: the oldest finished checkpoint is pruned with a notice; no request ever leaves the page origin', async ({ page, baseURL }) => {
  test.setTimeout(8 * 60_000);
  const problems: string[] = [];
  const offsite: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!(u.origin === new URL(baseURL ?? 'http://localhost').origin || u.protocol === 'blob:' || u.protocol === 'data:')) offsite.push(r.url());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(hashUrl(TWO));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train').click();
  const rows = page.getByTestId('run-row');
  await expect(rows.first()).toHaveAttribute('data-status', 'done', { timeout: 4 * 60_000 });
  await expect.poll(async () => Object.keys(await storedSizes(page)).length, { timeout: 30_000 }).toBe(1);
  const [size] = Object.values(await storedSizes(page));
  // Room for one and a half checkpoints: the second run's final checkpoint must evict the first's.
  await page.evaluate((b) => (window as unknown as { __sharelab: { simulateQuota(b: number): void } }).__sharelab.simulateQuota(b), Math.round(size * 1.5));
  await expect(rows.nth(1)).toHaveAttribute('data-status', 'done', { timeout: 4 * 60_000 });
  await expect(page.getByText(/browser storage was full: deleted the stored checkpoint of finished separate · seed 0 \(step 30\)/)).toBeVisible({ timeout: 30_000 });
  expect(Object.keys(await storedSizes(page))).toEqual(['run-1']);
  // The rest of the session still works: retrieval, a checkpoint download (from the live model).
  await page.getByTestId('retrieval-text').fill('a small red circle');
  await page.getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results').locator('li').first()).toBeVisible({ timeout: 60_000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download checkpoint of separate · seed 0/ }).click()]);
  expect(dl.suggestedFilename()).toMatch(/step30\.safetensors$/);
  await page.screenshot({ path: 'test-results/reliability-storage-full.png', fullPage: true });
  expect(offsite).toEqual([]);
  expect(problems).toEqual([]);
});
