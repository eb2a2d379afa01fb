// Shared driver for the GPU-check specs: opens /kernels.html with a selection, waits for the results,
// saves them (test-results/gpu-checks-<name>.json + screenshot) and requires every check OK and a
// clean console. It prints where the time went (per kernel, slowest checks): on SwiftShader most of a
// check's time is compiling its pipelines (one per distinct set of override constants), not running them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { type Page, expect } from '@playwright/test';

type Timed = { kernel: string; name: string; ms: number };

/** Total ms per kernel (largest first) and the slowest single checks, as printable lines. */
export function timingSummary(rows: Timed[], top = 8): string {
  const perKernel = new Map<string, { ms: number; n: number }>();
  for (const r of rows) {
    const k = perKernel.get(r.kernel) ?? { ms: 0, n: 0 };
    perKernel.set(r.kernel, { ms: k.ms + r.ms, n: k.n + 1 });
  }
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const kernels = [...perKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  const slowest = [...rows].sort((a, b) => b.ms - a.ms).slice(0, top);
  return [
    `${rows.length} checks, ${(total / 1000).toFixed(1)} s in the page; per kernel:`,
    ...kernels.map(([k, v]) => `  ${(v.ms / 1000).toFixed(1).padStart(7)} s  ${k} (${v.n} checks)`),
    'slowest checks:',
    ...slowest.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.kernel} ${r.name}`),
  ].join('\n');
}

/** The rows the page has finished so far (its results table: kernel, case, result, max err, ms). */
const finishedRows = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('table.results tbody tr')].map((tr) => {
      const td = [...tr.children].map((c) => c.textContent ?? '');
      return { kernel: td[0], name: td[1], result: td[2], ms: Number(td[4]) };
    }),
  );

export async function runGpuChecks(page: Page, name: string, query: string, timeoutMs: number) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const filter = process.env.KERNEL_FILTER ?? '';
  await page.goto(`/kernels.html?${query}&filter=${encodeURIComponent(filter)}`);
  mkdirSync('test-results', { recursive: true });
  try {
    await page.waitForFunction(() => window.__kernelResults !== undefined, undefined, { timeout: timeoutMs });
  } catch (e) {
    // Out of time: keep what finished (with timings) and say which check was running.
    const rows = await finishedRows(page);
    writeFileSync(`test-results/gpu-checks-${name}.partial.json`, JSON.stringify(rows, null, 2));
    console.log(timingSummary(rows));
    const status = await page.getByTestId('kernel-status').textContent();
    throw new Error(`GPU checks "${name}" unfinished after ${timeoutMs / 1000} s (${status}); ${rows.length} finished, in test-results/gpu-checks-${name}.partial.json\n${String(e)}`);
  }
  const results = await page.evaluate(() => window.__kernelResults ?? []);
  writeFileSync(`test-results/gpu-checks-${name}.json`, JSON.stringify(results, null, 2));
  await page.screenshot({ path: `test-results/gpu-checks-${name}.png`, fullPage: true });
  // The page adds each check's wall time (ms) to its result.
  console.log(`[${name}] ${timingSummary(results as unknown as Timed[])}`);
  const bad = results.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.name}: ${r.message}`);
  if (!filter) expect(results.length).toBeGreaterThan(0);
  expect(bad, bad.join('\n')).toEqual([]);
  expect(errors, errors.join('\n')).toEqual([]);
  return results;
}
