// Multi-seed comparison end to end on the browser GPU (SwiftShader): 2 presets × 2 seeds, tiny. Checks
// the per-config table (mean + 95% CI), "Compare A vs B" (paired Multi-Bootstrap verdict), the UMAP
// embedding map and its hover thumbnail, retrieval, zero-shot with edited templates, and CSV / JSON / PNG
// exports, with screenshots of every view in test-results/screens-compare/ (or $SCREENS_DIR).
import { mkdirSync, readFileSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { hashUrl, tinyExperiment, watchConsole } from './support';

const TINY = tinyExperiment({ presets: ['separate', 'shared-all'], seeds: [0, 1] });

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-compare';

const shot = (page: Page, testId: string, name: string) => page.getByTestId(testId).screenshot({ path: `${SCREENS}/${name}.png` });

/** Every plotly chart (optionally under a selector): id, traces and points. */
function charts(page: Page, within = 'body') {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll(`${sel} .js-plotly-plot`)].map((el) => {
      const data = (el as unknown as { data?: { x?: ArrayLike<unknown>; z?: ArrayLike<unknown> }[] }).data ?? [];
      const points = data.reduce((n, t) => n + (t.x?.length ?? t.z?.length ?? 0), 0);
      const layout = (el as unknown as { layout: { xaxis?: { title?: { text?: string } } } }).layout;
      return { chart: el.closest('[data-chart]')?.getAttribute('data-chart') ?? '', traces: data.length, points, xTitle: layout.xaxis?.title?.text ?? '' };
    });
  }, within);
}

async function download(page: Page, click: () => Promise<void>) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8'), bytes: readFileSync(await d.path()) };
}

test('2 presets × 2 seeds: per-config CIs, A vs B verdict, UMAP, retrieval, zero-shot, exports', async ({ page }) => {
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  await page.goto(hashUrl(TINY));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  // Empty states before training.
  await expect(page.getByTestId('config-results')).toContainText('No finished runs yet');
  await expect(page.getByTestId('compare-ab')).toContainText('Needs two configurations');
  await expect(page.getByTestId('zero-shot')).toContainText('No trained runs yet');
  await shot(page, 'config-results', '00-config-empty');
  await shot(page, 'compare-ab', '00-compare-empty');

  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(4, { timeout: 8 * 60_000 });
  await page.waitForTimeout(1500);

  // Every chart on the page has data.
  const all = await charts(page);
  expect(all.map((c) => c.chart)).toEqual(expect.arrayContaining(['ab-per-config', 'ab-diff', 'embedding-run-0', 'embedding-run-3']));
  for (const c of all) expect(c.points, `${c.chart} has no points`).toBeGreaterThan(0);

  // Per-config table: two configs, seeds 0 and 1, every recall cell a mean with its CI around it.
  const table = page.getByTestId('config-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tbody tr').first()).toHaveAttribute('data-config', 'separate');
  await expect(table.locator('tbody tr').nth(1)).toHaveAttribute('data-config', 'shared-all');
  for (const row of await table.locator('tbody tr').all()) {
    await expect(row.getByTestId('config-seeds')).toHaveText('seeds 0, 1');
    const cells = await row.locator('td').allInnerTexts();
    // train loss, val loss, then I→T R@1
    const r1 = cells[2];
    // "0.016 [.000, .047]": CI bounds without the leading zero
    const m = /^(-?[\d.]+)\s*\[(−?[\d.]+), (−?[\d.]+)\]$/.exec(r1.replace(/\s+/g, ' ').trim());
    expect(m, `R@1 cell "${r1}"`).not.toBeNull();
    const num = (t = '') => Number(t.replace('−', '-'));
    const [mean, lo, hi] = [num(m?.[1]), num(m?.[2]), num(m?.[3])];
    expect(lo).toBeLessThanOrEqual(mean);
    expect(hi).toBeGreaterThanOrEqual(mean);
  }
  await shot(page, 'results', '01-results-per-run');
  await shot(page, 'config-results', '02-results-per-config');

  // Compare A vs B: a verdict in plain words, with the sizes behind it.
  const ab = page.getByTestId('compare-ab');
  await expect(ab.getByTestId('ab-a')).toHaveValue('separate');
  await expect(ab.getByTestId('ab-b')).toHaveValue('shared-all');
  const verdict = ab.getByTestId('ab-verdict');
  await expect(verdict).toHaveText(/^(A > B \(95% CI of A−B excludes 0|A < B \(95% CI of A−B excludes 0|no detectable difference \(95% CI of A−B covers 0); 2 seeds × \d+ examples\)/);
  await expect(ab).toContainText('seeds 0, 1 paired');
  await expect(ab).toContainText('one-sided p =');
  await shot(page, 'compare-ab', '03-compare-r1');
  await ab.getByTestId('ab-metric').selectOption('modalityGap');
  await expect(verdict).toContainText('2 seeds (aggregate metric, seeds only)');
  // "A − B" row: "-0.0078, 95% CI [...]"; swapping A and B negates it.
  const diffOf = async () => Number(((await ab.locator('dl.compare dd').nth(2).textContent()) ?? '').split(',')[0]);
  const before = await diffOf();
  expect(Number.isFinite(before)).toBe(true);
  await ab.getByRole('button', { name: 'Swap A and B' }).click();
  await expect(ab.getByTestId('ab-a')).toHaveValue('shared-all');
  await expect.poll(diffOf).toBeCloseTo(-before, 3);
  await ab.getByTestId('ab-metric').selectOption('t2i@10');
  await expect(verdict).toContainText('2 seeds ×');
  const abCharts = await charts(page, '[data-testid=compare-ab]');
  expect(abCharts.find((c) => c.chart === 'ab-per-config')?.points).toBe(2);
  expect(abCharts.find((c) => c.chart === 'ab-diff')?.points).toBe(1);
  await shot(page, 'compare-ab', '04-compare-t2i10-swapped');

  // Embedding map: UMAP for every run, then hover a point → its thumbnail and caption.
  const perRun = page.getByTestId('per-run');
  await perRun.getByRole('radio', { name: 'UMAP' }).check();
  // points = pair lines (3 entries per pair: image, caption, gap) + 64 images + 64 captions
  await expect(perRun.locator('.embed-wrap[data-method=umap]')).toHaveCount(4);
  await expect
    .poll(async () => (await charts(page, '[data-testid=per-run]')).filter((c) => c.chart.startsWith('embedding-') && c.xTitle === 'UMAP 1' && c.points === 5 * 64).length, { timeout: 60_000 })
    .toBe(4);
  await perRun.locator('[data-chart=embedding-run-0]').scrollIntoViewIfNeeded();
  const pt = await page.evaluate(() => {
    const gd = document.querySelector('[data-chart=embedding-run-0] .js-plotly-plot') as unknown as {
      data: { x: number[]; y: number[] }[];
      _fullLayout: { xaxis: { l2p(v: number): number; _offset: number }; yaxis: { l2p(v: number): number; _offset: number } };
      getBoundingClientRect(): DOMRect;
    };
    const fl = gd._fullLayout;
    const r = gd.getBoundingClientRect();
    return { x: r.left + fl.xaxis._offset + fl.xaxis.l2p(gd.data[1].x[5]), y: r.top + fl.yaxis._offset + fl.yaxis.l2p(gd.data[1].y[5]) };
  });
  await page.mouse.move(pt.x, pt.y);
  const hover = perRun.getByTestId('embedding-hover');
  await expect(hover).toBeVisible();
  await expect(hover).toContainText(/image #\d+/);
  await expect(hover.locator('canvas')).toHaveCount(1);
  await perRun.locator('.embed-wrap').first().screenshot({ path: `${SCREENS}/05-umap-hover.png` });
  await shot(page, 'per-run', '05-umap-all');
  await page.mouse.move(0, 0);
  await perRun.getByRole('radio', { name: 'PCA' }).check();
  await expect.poll(async () => (await charts(page, '[data-testid=per-run]')).filter((c) => c.xTitle === 'PC1').length).toBe(4);
  await shot(page, 'per-run', '06-pca');

  // Retrieval: caption → images; image → captions with the query image shown.
  const ret = page.getByTestId('retrieval');
  await page.getByTestId('retrieval-text').fill('a large blue square');
  await ret.getByLabel('top').selectOption('10');
  await ret.getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results').locator('li')).toHaveCount(10, { timeout: 60_000 });
  await ret.getByRole('button', { name: 'Find captions for image 4' }).click();
  await expect(page.locator('.retrieved-captions li')).toHaveCount(10, { timeout: 60_000 });
  await expect(ret.locator('.query-image canvas')).toHaveCount(1);
  await shot(page, 'retrieval', '07-retrieval');

  // Zero-shot: shape task with edited templates; a template without a placeholder is refused.
  const zs = page.getByTestId('zero-shot');
  await zs.getByTestId('zs-task').selectOption('shape');
  await zs.getByTestId('zs-templates').fill('a photo');
  await zs.getByRole('button', { name: 'Classify' }).click();
  await expect(zs.getByTestId('zs-error')).toContainText('no {label} or {a} placeholder');
  await zs.getByTestId('zs-templates').fill('a picture of {a}\na {label}\na large {label}');
  await zs.getByRole('button', { name: 'Classify' }).click();
  await expect(zs.getByTestId('zs-accuracy')).toContainText(/shape: accuracy \d+\.\d%/, { timeout: 60_000 });
  await expect(zs.getByTestId('zs-result')).toContainText('8 classes × 3 templates = 24 prompts');
  await expect(zs.locator('.zs-items li')).not.toHaveCount(0);
  const zsChart = (await charts(page, '[data-testid=zero-shot]')).find((c) => c.chart === 'zs-per-class');
  expect(zsChart?.points).toBeGreaterThan(0);
  await shot(page, 'zero-shot', '08-zero-shot-shape');
  await zs.getByTestId('zs-task').selectOption('colour shape');
  await zs.getByRole('button', { name: 'Reset templates' }).click();
  await zs.getByRole('button', { name: 'Classify' }).click();
  await expect(zs.getByTestId('zs-result')).toContainText('64 classes × 4 templates = 256 prompts', { timeout: 60_000 });
  await shot(page, 'zero-shot', '09-zero-shot-colour-shape');

  // Exports: per-config CSV / JSON, a chart PNG, an attention overlay PNG.
  const csv = await download(page, () => page.getByRole('button', { name: 'Download per-configuration results as CSV' }).click());
  expect(csv.name).toBe('sharelab-configs.csv');
  const lines = csv.text.trim().split('\n');
  expect(lines).toHaveLength(3);
  const header = lines[0].split(',');
  expect(header).toEqual(expect.arrayContaining(['config', 'seeds', 'i2t@1_mean', 'i2t@1_lo', 'i2t@1_hi', 'i2t@1_examples', 'wallSeconds_mean']));
  expect(lines[1].split(',')[header.indexOf('seeds')]).toBe('0 1');
  const json = await download(page, () => page.getByRole('button', { name: 'Download per-configuration results as JSON' }).click());
  const parsed = JSON.parse(json.text) as { config: string; metrics: Record<string, { ci: number[] }> }[];
  expect(parsed.map((r) => r.config)).toEqual(['separate', 'shared-all']);
  expect(parsed[0].metrics['i2t@1'].ci).toHaveLength(2);
  const png = await download(page, () => page.getByRole('button', { name: /^Download A − B: .* as PNG$/ }).click());
  expect(png.name).toBe('sharelab-ab-diff.png');
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  const overlay = await download(page, () => page.getByRole('button', { name: /^Download Image CLS→patch .* as PNG$/ }).first().click());
  expect(overlay.name).toMatch(/^sharelab-attn-cls-run-\d+\.png$/);
  expect(overlay.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

  await shot(page, 'attention', '10-attention');
  await page.screenshot({ path: `${SCREENS}/11-full.png`, fullPage: true });
  expect(problems, problems.join('\n')).toEqual([]);
});
