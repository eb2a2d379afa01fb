// The playground end to end on the browser GPU (SwiftShader): tiny settings from the URL hash, two
// presets trained, every view has data, the hash round-trips, retrieval answers, hostile hashes are
// refused with a message, and the console stays clean. Screenshots go to test-results/screens/.
import { mkdirSync, readFileSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { hashUrl, tinyExperiment, watchConsole } from './support';

const TINY = tinyExperiment({ presets: ['separate', 'shared-all'], seeds: [0] });

// Other specs' runs wipe test-results/ (Playwright's output dir): SCREENS_DIR lets a run keep its own copy.
const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens';
/** A hash given as raw text (the hostile cases below are not JSON objects). */
const rawHash = (text: string) => `/#${encodeURIComponent(text)}`;

async function shot(page: Page, testId: string, name: string) {
  await page.getByTestId(testId).screenshot({ path: `${SCREENS}/${name}.png` });
}

test('playground trains two presets and compares them', async ({ page, context }) => {
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  await page.goto(hashUrl(TINY));
  await expect(page.getByTestId('gpu-status')).toContainText('GPU:', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('dataset-stats')).toContainText('128');
  await expect(page.getByTestId('hyper-steps')).toHaveValue('6');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.locator('#preview-grid, [data-testid=preview-grid] canvas')).toHaveCount(12);
  await expect(page.getByTestId('attention')).toContainText('No finished runs yet');
  await page.screenshot({ path: `${SCREENS}/00-before-training.png` });

  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=running]')).toHaveCount(1, { timeout: 120_000 });
  await page.screenshot({ path: `${SCREENS}/01-training.png` });
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(2, { timeout: 8 * 60_000 });
  // Charts redraw through a throttled subscription.
  await page.waitForTimeout(1500);

  // Every plotly chart has at least one trace with points.
  const charts = await page.evaluate(() =>
    [...document.querySelectorAll('.js-plotly-plot')].map((el) => {
      const data = (el as unknown as { data?: { x?: ArrayLike<unknown>; z?: ArrayLike<unknown> }[] }).data ?? [];
      const points = data.reduce((n, t) => n + (t.x?.length ?? t.z?.length ?? 0), 0);
      return { chart: el.closest('[data-chart]')?.getAttribute('data-chart'), traces: data.length, points };
    }),
  );
  // caption histogram + 7 comparison charts + (heatmap + embedding map) per run
  // + attention: caption token map + transfer map per run + CKA per layer
  // + compare A vs B: per-config mean ± CI and the A − B difference
  expect(charts.length).toBe(1 + 7 + 2 * 2 + 1 + 2 + 1 + 2);
  for (const c of charts) expect(c.points, `${c.chart} has no points`).toBeGreaterThan(0);
  // Overlaid: each comparison chart has traces from both runs.
  for (const c of charts.filter((x) => ['loss', 'recall-i2t', 'recall-t2i', 'logit-scale', 'modalityGap', 'alignment', 'uniformity'].includes(x.chart ?? ''))) {
    expect(c.traces, `${c.chart} traces`).toBeGreaterThanOrEqual(2);
  }
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);

  // Results export.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('results').getByRole('button', { name: 'CSV' }).click()]);
  const csvText = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(csvText.length).toBe(3);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Loss (train ─, val - -) as PNG' }).click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);

  // Checkpoint download: a safetensors file with our metadata, at the final step.
  const [ckpt] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download checkpoint of separate/ }).click()]);
  expect(ckpt.suggestedFilename()).toMatch(/step6\.safetensors$/);
  const bytes = readFileSync(await ckpt.path());
  const hlen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + hlen).toString('utf8'));
  expect(header.__metadata__.format).toBe('sharelab-clip/1');
  expect(header.__metadata__.step).toBe('6');
  expect(header['vision.patch.w'].dtype).toBe('F32');

  // Retrieval explorer: caption → images, image → captions.
  await page.getByTestId('retrieval-text').fill('a small red circle');
  await page.getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results').locator('li')).toHaveCount(5, { timeout: 60_000 });
  await shot(page, 'retrieval', '08-retrieval-text');
  await page.getByRole('button', { name: 'Find captions for image 3' }).click();
  await expect(page.locator('.retrieved-captions li')).toHaveCount(5, { timeout: 60_000 });

  // Screenshots of every view.
  await page.screenshot({ path: `${SCREENS}/02-top.png` });
  await shot(page, 'dataset-panel', '03-dataset');
  await shot(page, 'model-panel', '04-model');
  await shot(page, 'training-panel', '05-training');
  await shot(page, 'run-queue', '06-queue');
  await shot(page, 'comparison', '07-comparison');
  await shot(page, 'retrieval', '09-retrieval-image');
  await shot(page, 'results', '10-results');
  await shot(page, 'per-run', '11-per-run');
  await page.screenshot({ path: `${SCREENS}/12-full.png`, fullPage: true });

  // Attention: overlays drawn (red-tinted patches), token map with labels, transfer maps in [0, 1].
  const attn = page.getByTestId('attention');
  await attn.scrollIntoViewIfNeeded();
  const red = await page.evaluate(() =>
    [...document.querySelectorAll('canvas[data-testid^=attn-]')].map((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > d[i + 1] + 40) n++;
      return n;
    }),
  );
  expect(red).toHaveLength(2);
  for (const n of red) expect(n).toBeGreaterThan(0);
  const attnCharts = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=attention] .js-plotly-plot')].map((el) => {
      const t = (el as unknown as { data: { z?: number[][]; y?: number[]; x?: unknown } [] }).data;
      return { chart: el.closest('[data-chart]')?.getAttribute('data-chart') ?? '', z: t[0]?.z ?? null, y: t.map((x) => x.y ?? []), ticks: (el as unknown as { layout: { xaxis: { ticktext?: string[] } } }).layout.xaxis.ticktext ?? [] };
    }),
  );
  const transfer = attnCharts.filter((c) => c.chart.startsWith('attn-transfer-'));
  expect(transfer).toHaveLength(2);
  for (const c of transfer) {
    expect(c.z?.length).toBeGreaterThan(0);
    for (const v of (c.z ?? []).flat()) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }
  const textMap = attnCharts.find((c) => c.chart.startsWith('attn-text-'));
  expect(textMap?.ticks[0]).toBe('<|sot|>');
  expect(textMap?.ticks.at(-1)).toBe('<|eot|>');
  const cka = attnCharts.find((c) => c.chart === 'attn-cka');
  expect(cka?.y).toHaveLength(2);
  await shot(page, 'attention', '15-attention');
  // Switch head and item: the maps follow without a round trip.
  await attn.getByLabel('Head', { exact: true }).selectOption('1');
  await attn.getByLabel('Item', { exact: true }).selectOption('2');
  await expect(attn.locator('[data-chart^=attn-text-] .chart-title')).toContainText('head 1');
  await page.locator('[data-chart^=attn-transfer-] summary').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-chart^=attn-transfer-] [role=note]').first()).toContainText('OUR definition');
  await shot(page, 'attention', '16-attention-head1-item2');
  // Help popovers open from the keyboard and give the METHODS.md definition.
  await page.locator('[data-chart=modalityGap] summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-chart=modalityGap] [role=note]')).toContainText('mean(I) − mean(T)');
  await shot(page, 'comparison', '14-help-popover');

  // The URL hash round-trips: a fresh page with the same URL shows the same settings and runs.
  const url = page.url();
  const again = await context.newPage();
  const problems2 = watchConsole(again);
  await again.goto(url);
  await expect(again.getByTestId('hyper-steps')).toHaveValue('6');
  await expect(again.getByTestId('hyper-batchSize')).toHaveValue('16');
  await expect(again.getByTestId('vision-width')).toHaveValue('16');
  await expect(again.getByTestId('vision-patchSize')).toHaveValue('8');
  await expect(again.getByTestId('ds-count')).toHaveValue('128');
  await expect(again.getByTestId('seeds')).toHaveValue('0');
  await expect(again.getByTestId('run-row')).toHaveCount(2);
  await expect(again.getByTestId('run-row').first()).toContainText('separate · seed 0');
  await expect(again.getByTestId('run-row').nth(1)).toContainText('shared-all · seed 0');
  expect(decodeURIComponent(new URL(again.url()).hash.slice(1))).toBe(decodeURIComponent(new URL(url).hash.slice(1)));
  await again.close();
  expect(problems2, problems2.join('\n')).toEqual([]);
  expect(problems, problems.join('\n')).toEqual([]);
});

test('hostile or malformed hashes are refused with a message', async ({ context }) => {
  const cases: [string, RegExp][] = [
    ['{"__proto__":{"polluted":1}}', /forbidden key "__proto__"/],
    ['{"hyper":{"constructor":{}}}', /forbidden key "constructor"/],
    ['{"hyper":{"steps":"many"}}', /experiment\.hyper\.steps: expected a number/],
    ['{"hyper":{"lr":1e308}}', /experiment\.hyper\.lr: must be between/],
    ['{"dataset":{"count":1e400}}', /expected a number/],
    ['{"model":{"vision":{"width":[16]}}}', /expected a number, got an array/],
    ['{"bogus":1}', /unknown key "bogus"/],
    ['[1,2,3]', /expected an object/],
    ['{not json', /not valid JSON/],
  ];
  for (const [hash, message] of cases) {
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(rawHash(hash));
    await expect(page.getByTestId('import-error')).toContainText(message);
    // State unchanged: the defaults are still there and the app works.
    await expect(page.getByTestId('hyper-steps')).toHaveValue('600');
    await expect(page.getByRole('heading', { name: 'Run queue' })).toBeVisible();
    expect(await page.evaluate(() => ({}) as Record<string, unknown>)).not.toHaveProperty('polluted');
    if (hash.includes('__proto__')) await page.screenshot({ path: `${SCREENS}/13-hostile-hash.png` });
    await page.close();
    expect(problems, `${hash}\n${problems.join('\n')}`).toEqual([]);
  }
});
