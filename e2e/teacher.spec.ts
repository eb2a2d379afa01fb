// Teacher mode (LLM2CLIP) end to end on the browser GPU (SwiftShader): train a normal tiny run, export
// its encoders to ONNX, load the export as a FROZEN text teacher (onnxruntime-web wasm EP, every caption
// embedded once), refuse malformed teacher files with clear messages (the loaded teacher stays), train a
// teacher run (vision tower + adapter only) next to the normal run, and show that the frozen table is
// bit-identical afterwards and that retrieval beats the untrained start (R@1 at step 0 vs the end).
// Then a precomputed-table teacher: the caption list is downloaded, a .npy is made from the ONNX
// teacher's embeddings in Node (onnxruntime-web's Node build) in that order, loaded, and trained with an
// MLP adapter. Screenshots in test-results/screens-teacher/ (or $SCREENS_DIR).
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { BpeTokenizer } from '../src/data/tokenizer';
import { maskFromLengths } from '../src/export/io';
import { writeNpy } from '../src/teacher/parse';
import { hashUrl, tinyExperiment, watchConsole } from './support';

const HYPER = { batchSize: 32, steps: 40, logEvery: 10, evalEvery: 20, warmup: 4, lr: 0.003, checkpointEvery: 0 };
const TINY = tinyExperiment({ presets: ['separate'], seeds: [0], hyper: HYPER });
/** 192 images (128 train + 48 val + 16 held out) × 5 captions. */
const CAPTIONS = 960;

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-teacher';

const file = (name: string, bytes: Uint8Array | string, mimeType = 'application/octet-stream') => ({ name, mimeType, buffer: Buffer.from(bytes) });

/** A .npy with any header (for malformed cases). */
function rawNpy(header: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(h, 10);
  out.set(data, 10 + h.length);
  return out;
}

test('frozen ONNX / .npy teacher: trains vision + adapter only, table unchanged, retrieval beats the start', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  await page.goto(hashUrl(TINY));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('teacher-panel')).toBeVisible();
  await expect(page.getByTestId('teacher-train')).toBeDisabled(); // no teacher yet

  // --- 1. a normal run, exported to ONNX (its text tower becomes the teacher)
  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(1, { timeout: 8 * 60_000 });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5 * 60_000 }), page.getByRole('button', { name: 'Export ONNX of separate · seed 0' }).click()]);
  const zip = new Uint8Array(readFileSync(await dl.path()));
  const members = unzipSync(zip);
  const [textName, textOnnx] = Object.entries(members).find(([n]) => n.endsWith('.text.onnx')) as [string, Uint8Array];
  const [sideName, sideBytes] = Object.entries(members).find(([n]) => n.endsWith('.onnx.json')) as [string, Uint8Array];

  // --- 2. the text encoder + sidecar as a frozen teacher (no image encoder needed)
  const input = page.getByTestId('teacher-files');
  await input.setInputFiles([file(textName, textOnnx), file(sideName, sideBytes, 'application/json')]);
  const info = page.getByTestId('teacher-info');
  await expect(info).toBeVisible({ timeout: 120_000 });
  await expect(info).toHaveAttribute('data-kind', 'onnx');
  await expect(info).toHaveAttribute('data-ep', 'wasm'); // the placement log says the wasm (CPU) EP ran the graph
  await expect(info).toHaveAttribute('data-rows', String(CAPTIONS));
  await expect(info).toHaveAttribute('data-dim', '16');
  await expect(info).toContainText(`${textName}: 960 captions × 16 · onnxruntime-web EP wasm ran (asked for wasm)`);
  // Only the vision tower (5,712 here, as a normal run's vision-only count) and the adapter (16×16 + 16) train.
  await expect(page.getByTestId('teacher-counts')).toContainText('trains 5,712 vision parameters (the vision settings above, no sharing) + 272 adapter parameters');
  await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/01-onnx-teacher-loaded.png` });

  // Loading the same files again hits the cache (same content key).
  await input.setInputFiles([file(textName, textOnnx), file(sideName, sideBytes, 'application/json')]);
  await expect(info).toContainText('cached (memory)');

  // --- 3. malformed teacher files: a clear message naming the file; the loaded teacher stays in use
  const err = page.getByTestId('teacher-error');
  const refuse = async (files: ReturnType<typeof file>[], message: string | RegExp, shot?: string) => {
    await input.setInputFiles(files);
    await expect(err).toContainText(message, { timeout: 60_000 });
    await expect(err).toContainText(`the loaded teacher (${textName}) is still in use`);
    await expect(info).toHaveAttribute('data-kind', 'onnx');
    if (shot) await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/${shot}.png` });
  };
  const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255);
  await refuse([file('garbage.npy', garbage)], 'garbage.npy: not a NumPy .npy file', '02-garbage-npy');
  await refuse([file('flat.npy', rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (960,), }\n", new Uint8Array(960 * 4)))], 'flat.npy: shape (960) must be 2-D (captions, dim); got 1-D');
  await refuse([file('short.npy', writeNpy(new Float32Array(959 * 8).fill(1), 959, 8))], 'short.npy: 959 rows, but the dataset has 960 captions', '03-wrong-rows');
  const nan = new Float32Array(CAPTIONS * 4).fill(0.5);
  nan[4 * 17 + 2] = Number.NaN;
  await refuse([file('nan.npy', writeNpy(nan, CAPTIONS, 4))], 'nan.npy: 1 row with NaN or infinite values: row 17');
  await refuse([file('ragged.json', '[[1, 2], [3]]', 'application/json')], 'ragged.json: row 1 has 1 values; row 0 has 2');
  await refuse([file('broken.text.onnx', garbage), file(sideName, sideBytes, 'application/json')], 'broken.text.onnx: not an ONNX model', '04-garbage-onnx');
  await refuse([file(sideName, sideBytes, 'application/json')], `${sideName}: this is an ONNX export's sidecar`);

  // --- 4. a teacher run (linear adapter) next to the normal run
  await page.getByTestId('teacher-adapter').selectOption('linear');
  await page.getByTestId('teacher-train').click();
  const label = `teacher: ${textName} (linear) · seed 0`;
  const row = page.getByTestId('run-row').filter({ hasText: label });
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 120_000 });
  await page.getByTestId('run-queue').screenshot({ path: `${SCREENS}/05-queue-running.png` });
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });
  await page.waitForTimeout(1500); // charts redraw through a throttled subscription

  const tr = page.locator('[data-testid=teacher-run]').filter({ hasText: label });
  await expect(tr).toHaveAttribute('data-frozen', 'true', { timeout: 30_000 });
  await expect(tr).toContainText(`✓ bit-identical after 40 steps (${CAPTIONS}×16)`);
  const r1Start = Number(await tr.getAttribute('data-r1-start'));
  const r1End = Number(await tr.getAttribute('data-r1-end'));
  console.log(`ONNX teacher (linear): mean R@1 step 0 ${(100 * r1Start).toFixed(1)}% → step 40 ${(100 * r1End).toFixed(1)}%`);
  expect(r1End).toBeGreaterThan(r1Start + 0.02);
  await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/06-teacher-run-done.png` });

  // Side by side with the normal run: both in the results table and overlaid in the recall curves.
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('results-table')).toContainText(label);
  const traces = await page.evaluate(() =>
    [...document.querySelectorAll('[data-chart=recall-i2t] .js-plotly-plot, [data-chart=loss] .js-plotly-plot')].map(
      (el) => ((el as unknown as { data?: { x?: ArrayLike<unknown> }[] }).data ?? []).filter((t) => (t.x?.length ?? 0) > 0).length,
    ),
  );
  expect(traces.length).toBe(2);
  for (const n of traces) expect(n).toBeGreaterThanOrEqual(2);
  await page.getByTestId('comparison').screenshot({ path: `${SCREENS}/07-comparison.png` });
  await page.getByTestId('results-table').screenshot({ path: `${SCREENS}/08-results.png` });

  // A typed query goes through the ONNX teacher and the run's adapter.
  await page.locator('#retrieval-run').selectOption({ label });
  await page.getByTestId('retrieval-text').fill('a small red circle');
  await page.getByTestId('retrieval').getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results').locator('.retrieved-images li')).toHaveCount(5, { timeout: 60_000 });
  await page.getByTestId('retrieval').screenshot({ path: `${SCREENS}/09-teacher-retrieval.png` });

  // --- 5. a precomputed table: the caption list (row order) → the teacher's embeddings in Node → .npy
  const [capDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('teacher-captions').click()]);
  expect(capDl.suggestedFilename()).toBe('captions.jsonl');
  const lines = readFileSync(await capDl.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; image: number; caption: string });
  expect(lines).toHaveLength(CAPTIONS);
  expect(lines.every((l, i) => l.row === i)).toBe(true);
  const side = JSON.parse(new TextDecoder().decode(sideBytes));
  const tok = BpeTokenizer.fromJSON(side.text.tokenizer);
  const T = side.text.contextLength as number;
  const enc = tok.encodeBatch(lines.map((l) => l.caption), T);
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(textOnnx, { executionProviders: ['wasm'] });
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(enc.ids, (v) => BigInt(v)), [CAPTIONS, T]),
    attention_mask: new ort.Tensor('int64', maskFromLengths(enc.lengths, T), [CAPTIONS, T]),
  });
  const emb = out.text_embeds.data as Float32Array;
  await session.release();
  await input.setInputFiles([file('llm-captions.npy', writeNpy(emb, CAPTIONS, 16))]);
  await expect(info).toHaveAttribute('data-kind', 'npy', { timeout: 60_000 });
  await expect(info).toContainText('llm-captions.npy: 960 captions × 16 · .npy table');
  await expect(err).toHaveCount(0);
  await page.getByTestId('teacher-adapter').selectOption('mlp');
  await page.getByTestId('teacher-hidden').fill('32');
  await page.getByTestId('teacher-train').click();
  const npyLabel = 'teacher: llm-captions.npy (mlp 32) · seed 0';
  const npyRow = page.getByTestId('run-row').filter({ hasText: npyLabel });
  await expect(npyRow).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });
  const tr2 = page.locator('[data-testid=teacher-run]').filter({ hasText: npyLabel });
  await expect(tr2).toHaveAttribute('data-frozen', 'true', { timeout: 30_000 });
  const s2 = Number(await tr2.getAttribute('data-r1-start'));
  const e2 = Number(await tr2.getAttribute('data-r1-end'));
  console.log(`.npy teacher (MLP 32): mean R@1 step 0 ${(100 * s2).toFixed(1)}% → step 40 ${(100 * e2).toFixed(1)}%`);
  expect(e2).toBeGreaterThan(s2);
  // A precomputed table has no encoder for typed queries: the explorer says so.
  await page.locator('#retrieval-run').selectOption({ label: npyLabel });
  await page.getByTestId('retrieval').getByRole('button', { name: 'Find images' }).click();
  await expect(page.locator('.messages')).toContainText('typed queries cannot be embedded', { timeout: 30_000 });
  await page.getByTestId('model-panel').screenshot({ path: `${SCREENS}/10-model-panel.png` });
  await page.getByTestId('config-results').screenshot({ path: `${SCREENS}/11-config-table.png` });
  await page.getByTestId('per-run').screenshot({ path: `${SCREENS}/12-per-run.png` });
  await page.screenshot({ path: `${SCREENS}/13-page.png`, fullPage: true });

  // --- 6. after a reload: the runs come back, and a finished teacher run's model is re-attached with its
  // table read from browser storage (the teacher file is not loaded again).
  await page.reload();
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(3);
  await expect(page.getByTestId('teacher-info')).toHaveCount(0);
  await page.locator('#retrieval-run').selectOption({ label });
  await expect(async () => {
    await page.getByRole('button', { name: 'Find captions for image 3' }).click();
    await expect(page.getByTestId('retrieval-results').locator('.retrieved-captions li')).toHaveCount(5, { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await page.getByTestId('retrieval').screenshot({ path: `${SCREENS}/14-after-reload.png` });
  const msgs = (await page.locator('.messages').textContent()) ?? '';
  expect(msgs).not.toContain('could not reload the model');
  expect(problems, problems.join('\n')).toEqual([]);
});
