// Shared driver for the GPU-check specs: opens /kernels.html with a selection, waits for the results,
// saves them (test-results/gpu-checks-<name>.json + screenshot) and requires every check OK and a
// clean console.
import { mkdirSync, writeFileSync } from 'node:fs';
import { type Page, expect } from '@playwright/test';

export async function runGpuChecks(page: Page, name: string, query: string, timeoutMs: number) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const filter = process.env.KERNEL_FILTER ?? '';
  await page.goto(`/kernels.html?${query}&filter=${encodeURIComponent(filter)}`);
  await page.waitForFunction(() => window.__kernelResults !== undefined, undefined, { timeout: timeoutMs });
  const results = await page.evaluate(() => window.__kernelResults ?? []);
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/gpu-checks-${name}.json`, JSON.stringify(results, null, 2));
  await page.screenshot({ path: `test-results/gpu-checks-${name}.png`, fullPage: true });
  const bad = results.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.name}: ${r.message}`);
  if (!filter) expect(results.length).toBeGreaterThan(0);
  expect(bad, bad.join('\n')).toEqual([]);
  expect(errors, errors.join('\n')).toEqual([]);
  return results;
}
