// Every WGSL kernel against its CPU reference (backward kernels also against float64 finite
// differences), in headless Chromium on WebGPU (SwiftShader here): the checks of src/kernels/*.check.ts.
// Then the autotuner on the bench's (quick) shapes: the tuned table is never slower than the fixed
// auto rule it replaces.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { runGpuChecks } from './gpu-checks';

test('every kernel matches its CPU reference on the browser GPU', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  await runGpuChecks(page, 'kernels', 'group=kernels', 14 * 60_000);
});

test('the tuned kernel table is never slower than the fixed auto rule', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  // group=none: no checks, only the tuner panel (?tune=1 tunes, then times tuned vs auto per shape).
  await page.goto('/kernels.html?group=none&tune=1');
  await page.waitForFunction(() => window.__tuneResults !== undefined, undefined, { timeout: 7 * 60_000 });
  const r = await page.evaluate(() => window.__tuneResults);
  writeFileSync('test-results/tuner-swiftshader.json', JSON.stringify(r, null, 2));
  if (!r || 'error' in r) throw new Error(`tuning failed: ${JSON.stringify(r)}`);
  expect(r.compare.length).toBeGreaterThan(0);
  await expect(page.getByTestId('tuner-table')).toBeVisible();
  // Where tuned and auto pick the same kernel the two timings are of one kernel; 15 % covers the
  // run-to-run noise of SwiftShader on a shared 2-core machine (METHODS.md: ratios, medians).
  const slower = r.compare.filter((c) => c.ratio > 1.15).map((c) => `${c.family} ${c.shape}: ${c.tuned} ${c.ratio.toFixed(2)}×`);
  expect(slower, slower.join('\n')).toEqual([]);
});
