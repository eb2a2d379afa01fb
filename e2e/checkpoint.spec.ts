// Checkpoints through the UI: pause a run, download its checkpoint, let it finish; open the file as a
// new run — it replays the saved history and continues the SAME curve bit for bit (ms-clip: conv stem
// + parallel branch, so BatchNorm running stats travel too). A finished checkpoint opens for analysis;
// a corrupt file and a hostile config are refused with a message naming the file, and the app keeps working.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { curves, hashUrl, tinyExperiment, watchConsole } from './support';
import { unzipSync } from 'fflate';

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-checkpoint';
const RUN = tinyExperiment({ presets: ['ms-clip'], seeds: [3], depth: 2, hyper: { steps: 60, evalEvery: 30, checkpointEvery: 0 } });

test('a downloaded checkpoint resumes the same curve; finished ones open for analysis; bad files are refused', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  await page.goto(hashUrl(RUN));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train').click();
  const first = page.getByTestId('run-row').first();
  await expect.poll(async () => Number(await first.locator('progress').getAttribute('value')), { timeout: 180_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: /^Pause ms-clip/ }).click();
  await expect(first).toHaveAttribute('data-status', 'paused');
  // Taken at the paused run's safe point (no need to resume first).
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download checkpoint of ms-clip/ }).click()]);
  const mid = `${SCREENS}/mid.safetensors`;
  await dl.saveAs(mid);
  const midStep = Number(/step(\d+)/.exec(dl.suggestedFilename())?.[1]);
  expect(midStep).toBeGreaterThanOrEqual(3);
  expect(midStep).toBeLessThan(60);
  await page.getByRole('button', { name: /^Resume ms-clip/ }).click();
  await expect(first).toHaveAttribute('data-status', 'done', { timeout: 5 * 60_000 });
  const [dlEnd] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download checkpoint of ms-clip/ }).click()]);
  const end = `${SCREENS}/end.safetensors`;
  await dlEnd.saveAs(end);
  // Export for PyTorch: a zip with the checkpoint, config, tokenizer, hyper-parameters and commands.
  const [dlPt] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export ms-clip .* for PyTorch/ }).click()]);
  expect(dlPt.suggestedFilename()).toBe('ms-clip-seed-3-pytorch.zip');
  const zipPath = `${SCREENS}/pytorch.zip`;
  await dlPt.saveAs(zipPath);
  const files = unzipSync(readFileSync(zipPath));
  expect(Object.keys(files).sort()).toEqual(['ms-clip-seed-3/README.txt', 'ms-clip-seed-3/config.json', 'ms-clip-seed-3/hyper.json', 'ms-clip-seed-3/init.safetensors', 'ms-clip-seed-3/tokenizer.json', 'ms-clip-seed-3/train.sh']);
  expect(Buffer.from(files['ms-clip-seed-3/init.safetensors']).equals(readFileSync(end))).toBe(true);
  expect(JSON.parse(Buffer.from(files['ms-clip-seed-3/config.json']).toString()).vision.stem).toBe('conv');
  expect(Buffer.from(files['ms-clip-seed-3/README.txt']).toString()).toContain('torchrun --nproc_per_node=8 -m sharelab_torch.train --init ../ms-clip-seed-3/init.safetensors');

  // Resume from the mid-run file: history replayed, then the same losses bit for bit.
  await page.getByTestId('open-checkpoint-input').setInputFiles(mid);
  const resumed = page.getByTestId('run-row').nth(1);
  await expect(resumed).toContainText(`from step ${midStep}`);
  await expect(resumed).toHaveAttribute('data-status', 'done', { timeout: 5 * 60_000 });
  const c = await curves(page);
  const [origLabel, resLabel] = Object.keys(c);
  expect(c[resLabel].map((r) => r[0])).toEqual(c[origLabel].map((r) => r[0]));
  expect(c[resLabel]).toEqual(c[origLabel]);

  // A finished checkpoint: analysis only (no steps), evaluated and probed.
  await page.getByTestId('open-checkpoint-input').setInputFiles(end);
  const analysed = page.getByTestId('run-row').nth(2);
  await expect(analysed).toContainText('(analysis)');
  await expect(analysed).toHaveAttribute('data-status', 'done', { timeout: 3 * 60_000 });
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(3);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${SCREENS}/opened.png`, fullPage: true });

  // Garbage and a hostile config: refused with the file name, nothing queued.
  const garbage = `${SCREENS}/garbage.safetensors`;
  writeFileSync(garbage, Buffer.from('definitely not a checkpoint'));
  await page.getByTestId('open-checkpoint-input').setInputFiles(garbage);
  await expect(page.getByText(/Could not open checkpoint "garbage.safetensors"/)).toBeVisible();
  const bytes = readFileSync(end);
  const hlen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + hlen).toString('utf8'));
  const cfg = JSON.parse(header.__metadata__.config);
  cfg.vision.heads = 5;
  header.__metadata__.config = JSON.stringify(cfg);
  const h2 = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h2.length));
  const hostile = `${SCREENS}/hostile.safetensors`;
  writeFileSync(hostile, Buffer.concat([len, h2, bytes.subarray(8 + hlen)]));
  await page.getByTestId('open-checkpoint-input').setInputFiles(hostile);
  await expect(page.getByText(/Could not open checkpoint "hostile.safetensors".*vision\.heads: 5 must divide/)).toBeVisible();
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  await page.screenshot({ path: `${SCREENS}/refused.png`, fullPage: true });
  expect(problems).toEqual([]);
});
