// Evaluation on another dataset (issue 19, domain shift) end to end: two generated uploads of the SAME
// concepts (216 captions: 4 colours × 3 shapes × 2 sizes × 9 places) in two visibly different styles — filled shapes on
// white, and outlined shapes on grey — go through the real folder input. A small model
// trains on the filled style with the outlined one as an evaluation set; the results table shows the own
// split's and the other set's R@1, which differ and are both above chance (1/n); the retrieval explorer
// switched to the evaluation set returns its images. Screenshots go to test-results/screens-eval-sets/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { bmpImage, hashUrl, watchConsole } from './support';

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-eval-sets';
const ROOT = join(tmpdir(), `sharelab-evalsets-e2e-${process.pid}`);
const S = 32;
const VAL = 36;

const COLOURS: Record<string, [number, number, number]> = { red: [220, 40, 40], green: [40, 170, 60], blue: [50, 80, 230], yellow: [225, 195, 20] };
const SHAPES = ['circle', 'square', 'triangle'] as const;
type Shape = (typeof SHAPES)[number];

/** Signed "inside" distance of (x, y) to a shape of radius r at (cx, cy): > 0 inside, its edge at 0. */
function inside(shape: Shape, x: number, y: number, cx: number, cy: number, r: number): number {
  const dx = x + 0.5 - cx;
  const dy = y + 0.5 - cy;
  if (shape === 'circle') return r - Math.hypot(dx, dy);
  if (shape === 'square') return r - Math.max(Math.abs(dx), Math.abs(dy));
  // apex up: half-width grows from 0 at the top (cy − r) to r at the bottom (cy + r)
  return Math.min(dy + r, r - dy, (dy + r) / 2 - Math.abs(dx));
}

const SIZES = { small: 5, large: 7 } as const;
const AT_X = { 'on the left': 8, 'in the middle': 16, 'on the right': 24 } as const;
const AT_Y = { 'at the top': 8, 'at the centre': 16, 'at the bottom': 24 } as const;

/**
 * Filled on white (style A) or a 3-px outline on a grey background (style B), at (cx, cy) with radius r. (On a
 * dark background the model trained on A fell to chance on B: R@1 i2t 1/216 — a real shift, too far for this test.)
 */
function drawing(style: 'filled' | 'outlined', colour: [number, number, number], shape: Shape, cx: number, cy: number, r: number) {
  const bg: [number, number, number] = style === 'filled' ? [255, 255, 255] : [170, 170, 185];
  return bmpImage(S, S, (x, y) => {
    const d = inside(shape, x, y, cx, cy, r);
    return (style === 'filled' ? d >= 0 : d >= 0 && d < 3) ? colour : bg;
  });
}

/**
 * One image per caption, every caption different ("a large red circle on the left at the top"): 4 colours ×
 * 3 shapes × 2 sizes × 3 × 3 places = 216, so recall has no ties between identical captions.
 */
function buildFolder(dir: string, style: 'filled' | 'outlined') {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let i = 0;
  for (const [name, rgb] of Object.entries(COLOURS))
    for (const shape of SHAPES)
      for (const [size, r] of Object.entries(SIZES))
        for (const [h, cx] of Object.entries(AT_X))
          for (const [v, cy] of Object.entries(AT_Y)) {
            const base = join(dir, `img_${String(i).padStart(3, '0')}`);
            writeFileSync(`${base}.bmp`, drawing(style, rgb, shape, cx + (i % 3) - 1, cy + ((i >> 2) % 3) - 1, r));
            writeFileSync(`${base}.txt`, `a ${size} ${name} ${shape} ${h} ${v}\n`);
            i++;
          }
  return i;
}

const EXPERIMENT = {
  dataset: { kind: 'builtin', seed: 0, count: 64, valCount: VAL, heldOutCount: 8, size: S },
  model: {
    vision: { imageSize: S, patchSize: 8, width: 32, depth: 1, heads: 2, mlpRatio: 2 },
    text: { width: 32, depth: 1, heads: 2, mlpRatio: 2 },
    embedDim: 32,
  },
  loss: 'infonce',
  hyper: { batchSize: 32, steps: 200, lr: 0.003, warmup: 5, logEvery: 10, evalEvery: 100, checkpointEvery: 200 },
  presets: ['separate'],
  seeds: [0],
  runs: [{ preset: 'separate', seed: 0 }],
};

const shot = (page: Page, testId: string, name: string) => page.getByTestId(testId).screenshot({ path: `${SCREENS}/${name}.png` });

async function upload(page: Page, dir: string, n: number) {
  await page.getByTestId('upload-folder').setInputFiles(dir);
  await expect(page.getByTestId('upload-report')).toHaveAttribute('data-loaded', String(n), { timeout: 120_000 });
}

/** A results-table cell's value (4 decimals, not the 3 shown) by column key. */
const cell = async (page: Page, key: string) => Number(await page.locator(`[data-testid=results-table] tbody tr td[data-col="${key}"]`).first().getAttribute('data-value'));

test('evaluation sets: train on filled shapes, evaluate on outlined ones too', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const filled = join(ROOT, 'filled-light');
  const outlined = join(ROOT, 'outlined-grey');
  const nA = buildFolder(filled, 'filled');
  const nB = buildFolder(outlined, 'outlined');
  const problems = watchConsole(page);
  await page.goto(hashUrl(EXPERIMENT));
  await expect(page.getByTestId('gpu-status')).toContainText('GPU:', { timeout: 60_000 });

  // The evaluation style first, the training style last: a finished upload becomes the dataset.
  await upload(page, outlined, nB);
  await upload(page, filled, nA);
  const panel = page.getByTestId('dataset-panel');
  await expect(panel.getByRole('heading')).toContainText('upload: filled-light', { timeout: 60_000 });

  // Add the outlined upload as an evaluation set and apply.
  await page.getByTestId('evalset-source').selectOption({ label: `upload: outlined-grey · ${nB} pairs` });
  await page.getByTestId('evalset-add').click();
  await expect(page.getByTestId('evalset-name')).toHaveValue('outlined-grey');
  await shot(page, 'dataset-panel', '00-dataset-panel-set-added');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('evalset-loaded')).toContainText(`${nB} images · ${nB} captions · no labels`, { timeout: 60_000 });
  await shot(page, 'dataset-panel', '01-dataset-panel');
  // The experiment in the URL names the set by the upload's content id.
  const hash = JSON.parse(decodeURIComponent(new URL(page.url()).hash.slice(1)));
  expect(hash.dataset.evalSets).toEqual([{ name: 'outlined-grey', kind: 'upload', upload: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(1, { timeout: 8 * 60_000 });
  await page.waitForTimeout(1500); // throttled table redraws

  // Both groups in the results table: the own split's R@1 and the evaluation set's.
  const table = page.getByTestId('results-table');
  await expect(table.getByTestId('column-groups')).toContainText('own validation split');
  await expect(table.getByTestId('column-groups')).toContainText('eval set: outlined-grey');
  await shot(page, 'results', '02-results');
  const own = { i2t: await cell(page, 'i2tR1'), t2i: await cell(page, 't2iR1') };
  const other = { i2t: await cell(page, 'outlined-grey:i2tR1'), t2i: await cell(page, 'outlined-grey:t2iR1') };
  console.log(`R@1 own split (n = ${VAL}): i2t ${own.i2t}, t2i ${own.t2i}; outlined-grey (n = ${nB}): i2t ${other.i2t}, t2i ${other.t2i}`);
  expect(own.i2t).toBeGreaterThan(1 / VAL);
  expect(own.t2i).toBeGreaterThan(1 / VAL);
  expect(other.i2t).toBeGreaterThan(1 / nB);
  expect(other.t2i).toBeGreaterThan(1 / nB);
  expect(own.i2t + own.t2i).not.toBe(other.i2t + other.t2i);
  // The per-configuration table has the set's group too.
  await expect(page.getByTestId('config-table').getByTestId('column-groups')).toContainText('eval set: outlined-grey');

  // The retrieval explorer on the evaluation set: its images come back.
  const ret = page.getByTestId('retrieval');
  await ret.getByTestId('retrieval-set').selectOption('outlined-grey');
  await ret.getByTestId('retrieval-text').fill('a large red circle on the left at the top');
  await ret.getByRole('button', { name: 'Find images' }).click();
  const results = page.getByTestId('retrieval-results');
  await expect(results.locator('li')).toHaveCount(5, { timeout: 60_000 });
  await expect(results).toContainText('of outlined-grey');
  await ret.screenshot({ path: `${SCREENS}/03-retrieval-eval-set.png` });

  // The embedding map can show the set.
  await page.getByTestId('map-set').selectOption('outlined-grey');
  await expect(page.getByTestId('per-run')).toContainText('· outlined-grey');
  expect(problems).toEqual([]);
});
