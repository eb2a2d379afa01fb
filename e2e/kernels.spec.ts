// Opens the kernel-check page in headless Chromium (WebGPU via SwiftShader) and requires every
// kernel check to be OK. Writes the per-case errors to test-results/kernel-check.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('every kernel matches its CPU reference on the browser GPU', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const filter = process.env.KERNEL_FILTER ?? '';
  await page.goto(`/kernels.html?filter=${encodeURIComponent(filter)}`);
  await page.waitForFunction(() => window.__kernelResults !== undefined, undefined, { timeout: 9 * 60_000 });
  const results = await page.evaluate(() => window.__kernelResults ?? []);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/kernel-check.json', JSON.stringify(results, null, 2));
  await page.screenshot({ path: 'test-results/kernel-check.png', fullPage: true });
  const bad = results.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.name}: ${r.message}`);
  expect(results.length).toBeGreaterThan(0);
  expect(bad, bad.join('\n')).toEqual([]);
  expect(errors, errors.join('\n')).toEqual([]);
});
