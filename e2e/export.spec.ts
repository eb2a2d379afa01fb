// ONNX export end to end on the browser GPU (SwiftShader): train tiny ms-clip (conv stem + parallel
// branch, BatchNorm running statistics) and shared-all runs, export each, check the parity report
// (onnxruntime-web wasm and WebGPU EPs vs the app's WGSL forward, < 1e-4, which EP ran), the
// downloaded zip (two .onnx + sidecar), inference-only mode on the exported pair, malformed files
// and a wrong sidecar (clear errors, app keeps working), and that nothing is fetched from outside the
// page's origin. Screenshots in test-results/screens-export/ (or $SCREENS_DIR).
import { mkdirSync, readFileSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { hashUrl, tinyExperiment, watchConsole } from './support';

// depth 3: ms-clip shares layers 1–2, so one parallel-branch fusion (before layer 2) exists.
const TINY = tinyExperiment({ presets: ['ms-clip', 'shared-all'], seeds: [0], depth: 3 });

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-export';

interface EpReport {
  requested: string;
  ran: string | null;
  error?: string;
  image?: { maxAbs: number };
  text?: { maxAbs: number };
}

async function exportRun(page: Page, label: string) {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 5 * 60_000 }),
    page.getByRole('button', { name: `Export ONNX of ${label}` }).click(),
  ]);
  const zip = readFileSync(await dl.path());
  const files = unzipSync(new Uint8Array(zip));
  return { name: dl.suggestedFilename(), zip, files };
}

test('export a trained run to ONNX, check parity in onnxruntime-web, use it for inference only', async ({ page, baseURL }) => {
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  const origin = new URL(baseURL ?? 'http://localhost').origin;
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  const wasmFetches: string[] = [];
  page.on('request', (r) => {
    if (/\.wasm(\?|$)/.test(r.url())) wasmFetches.push(r.url());
  });

  await page.goto(hashUrl(TINY));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('onnx-exports')).toHaveCount(0); // appears with the first export
  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(2, { timeout: 8 * 60_000 });

  // --- export ms-clip: zip with both graphs and the sidecar; parity < 1e-4 on every EP that ran.
  const ms = await exportRun(page, 'ms-clip · seed 0');
  expect(ms.name).toMatch(/^run-0-ms-clip-seed0-step6\.onnx\.zip$/);
  const names = Object.keys(ms.files).sort();
  expect(names).toEqual(['run-0-ms-clip-seed0-step6.image.onnx', 'run-0-ms-clip-seed0-step6.onnx.json', 'run-0-ms-clip-seed0-step6.text.onnx']);
  const side = JSON.parse(new TextDecoder().decode(ms.files['run-0-ms-clip-seed0-step6.onnx.json']));
  expect(side.format).toBe('sharelab-onnx/1');
  expect(side.config.vision.stem).toBe('conv');
  expect(side.config.vision.parallelBranch).toBe(true);
  expect(side.batchNorm).toBe('model'); // running statistics read from the trained model
  expect(side.image.inputs[0]).toEqual({ name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 16, 16] });
  expect(side.text.inputs.map((v: { name: string }) => v.name)).toEqual(['input_ids', 'attention_mask']);
  expect(side.text.tokenizer.type).toBe('bpe-bytes');
  expect(side.image.normalization.mean).toHaveLength(3);
  const rep = side.parity;
  expect(rep.batch).toBe(16);
  const eps = rep.eps as EpReport[];
  const wasm = eps.find((e) => e.requested === 'wasm');
  const webgpu = eps.find((e) => e.requested === 'webgpu');
  expect(wasm?.ran).toBe('wasm');
  expect(wasm?.image?.maxAbs).toBeLessThan(1e-4);
  expect(wasm?.text?.maxAbs).toBeLessThan(1e-4);
  // WebGPU: either it ran (and then within tolerance) or the report says why not — never a silent fallback.
  if (webgpu?.ran === 'webgpu') {
    expect(webgpu.image?.maxAbs).toBeLessThan(1e-4);
    expect(webgpu.text?.maxAbs).toBeLessThan(1e-4);
  } else expect(webgpu?.error, `webgpu EP: ran=${webgpu?.ran}`).toBeTruthy();
  expect(rep.pass).toBe(true);
  console.log(
    'ms-clip parity:',
    eps.map((e) => `${e.requested}→${e.ran}: image ${e.image?.maxAbs?.toExponential(2)} text ${e.text?.maxAbs?.toExponential(2)} ${e.error ?? ''}`).join(' | '),
  );

  // The UI shows the same figures and which EP ran.
  const entry = page.locator('[data-testid=onnx-export][data-run=run-0]');
  await expect(entry).toHaveAttribute('data-pass', 'true');
  await expect(entry.getByTestId('parity-wasm')).toHaveAttribute('data-ran', 'wasm');
  await expect(entry.getByTestId('parity-wasm')).toContainText('✓');
  await expect(entry.getByTestId('parity-webgpu')).toHaveAttribute('data-ran', webgpu?.ran ?? '');
  await expect(entry).toContainText('parity ✓ on 16 validation pairs');
  await page.getByTestId('onnx-exports').screenshot({ path: `${SCREENS}/01-export-ms-clip.png` });
  await page.getByTestId('run-queue').screenshot({ path: `${SCREENS}/00-run-queue.png` });

  // --- a second export (shared-all): its sidecar is the "wrong sidecar" below.
  const sa = await exportRun(page, 'shared-all · seed 0');
  const saSide = Object.entries(sa.files).find(([n]) => n.endsWith('.onnx.json'))?.[1] as Uint8Array;
  expect(JSON.parse(new TextDecoder().decode(saSide)).parity.pass).toBe(true);
  await expect(page.getByTestId('onnx-export')).toHaveCount(2);
  await page.getByTestId('onnx-exports').screenshot({ path: `${SCREENS}/02-exports.png` });

  // --- inference only: load the ms-clip zip, embed the validation set, retrieve both ways.
  const input = page.getByTestId('onnx-files');
  await input.setInputFiles({ name: ms.name, mimeType: 'application/zip', buffer: ms.zip });
  await expect(page.getByTestId('onnx-recall')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('onnx-model')).toContainText('ms-clip · seed 0');
  await expect(page.getByTestId('onnx-recall')).toContainText('Recall on 64 images');
  await page.getByTestId('onnx-query').fill('a small red circle');
  await page.getByTestId('onnx-inference').getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('onnx-answer').locator('.retrieved-images li')).toHaveCount(5);
  await page.getByTestId('onnx-inference').screenshot({ path: `${SCREENS}/03-inference-text.png` });
  await page.getByRole('button', { name: 'ONNX: find captions for image 3' }).click();
  await expect(page.getByTestId('onnx-answer').locator('.retrieved-captions li')).toHaveCount(5);
  await page.getByTestId('onnx-inference').screenshot({ path: `${SCREENS}/04-inference-image.png` });

  // --- malformed and mismatched files: a clear error, and the panel still works afterwards.
  const msFile = (suffix: string) => {
    const [n, b] = Object.entries(ms.files).find(([k]) => k.endsWith(suffix)) as [string, Uint8Array];
    return { name: n, mimeType: 'application/octet-stream', buffer: Buffer.from(b) };
  };
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255));
  await input.setInputFiles([{ name: 'broken.image.onnx', mimeType: 'application/octet-stream', buffer: garbage }, msFile('.text.onnx'), msFile('.onnx.json')]);
  await expect(page.getByTestId('onnx-error')).toContainText('broken.image.onnx: not an ONNX model');
  // The refused files leave the loaded pair and its results in place.
  await expect(page.getByTestId('onnx-error')).toContainText('the previously loaded model is still in use');
  await expect(page.getByTestId('onnx-recall')).toBeVisible();
  await page.getByTestId('onnx-inference').screenshot({ path: `${SCREENS}/05-malformed.png` });
  await input.setInputFiles([msFile('.image.onnx'), msFile('.text.onnx'), { name: 'other.onnx.json', mimeType: 'application/json', buffer: Buffer.from(saSide) }]);
  await expect(page.getByTestId('onnx-error')).toContainText(/sidecar|SHA-256/);
  await page.getByTestId('onnx-inference').screenshot({ path: `${SCREENS}/06-wrong-sidecar.png` });
  await input.setInputFiles({ name: 'not-json.onnx.json', mimeType: 'application/json', buffer: Buffer.from('{"format": ') });
  await expect(page.getByTestId('onnx-error')).toContainText('sidecar: not valid JSON');

  // The app keeps working: the valid pair loads again on the WebGPU EP, and the training worker still answers.
  await page.locator('#onnx-ep').selectOption('webgpu');
  await input.setInputFiles({ name: ms.name, mimeType: 'application/zip', buffer: ms.zip });
  await expect(page.getByTestId('onnx-recall')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('onnx-error')).toHaveCount(0);
  await expect(page.getByTestId('onnx-model')).toContainText(`EP ${webgpu?.ran === 'webgpu' ? 'webgpu' : ''}`);
  await page.getByTestId('onnx-inference').screenshot({ path: `${SCREENS}/07-inference-webgpu.png` });
  await page.getByTestId('retrieval-text').fill('a small red circle');
  await page.getByTestId('retrieval').getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results')).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: `${SCREENS}/08-page.png`, fullPage: true });

  // Offline: every request stayed on the page's origin; ORT's .wasm came from the app (node_modules via Vite).
  expect(foreign, 'requests outside the page origin').toEqual([]);
  expect(wasmFetches.length).toBeGreaterThan(0);
  for (const u of wasmFetches) expect(u).toContain('ort-wasm-simd-threaded');
  expect(problems, problems.join('\n')).toEqual([]);
});

// Every sharing preset through the app: trained 2 steps, exported, both graphs checked on both EPs. The slow suite
// (`npm run test:slow`, CI): `npm test` keeps the test above (one preset, both EPs) and vitest's wasm parity of
// every preset's graphs (src/export/encoders.test.ts).
test('every sharing preset exports with parity on wasm and WebGPU @slow', async ({ page }) => {
  const presets = ['separate', 'shared-all', 'shared-except-ln', 'shared-attn', 'shared-mlp', 'separate-first-k', 'separate-last-k', 'ms-clip', 'custom'];
  const all = { ...TINY, hyper: { ...TINY.hyper, steps: 2, logEvery: 2, evalEvery: 2 }, presets, runs: presets.map((preset) => ({ preset, seed: 0 })) };
  const problems = watchConsole(page);
  await page.goto(hashUrl(all));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(presets.length, { timeout: 8 * 60_000 });
  const rows: string[] = [];
  for (const preset of presets) {
    const { files } = await exportRun(page, `${preset} · seed 0`);
    const side = JSON.parse(new TextDecoder().decode(Object.entries(files).find(([n]) => n.endsWith('.onnx.json'))?.[1]));
    const eps = side.parity.eps as EpReport[];
    rows.push(`${preset}: ${eps.map((e) => `${e.requested}→${e.ran} image ${e.image?.maxAbs.toExponential(2)} text ${e.text?.maxAbs.toExponential(2)}`).join(' | ')}`);
    expect(side.parity.pass, rows[rows.length - 1]).toBe(true);
    for (const e of eps) {
      expect(e.ran, `${preset} ${e.requested}: ${e.error ?? ''}`).toBe(e.requested);
      expect(e.image?.maxAbs).toBeLessThan(1e-4);
      expect(e.text?.maxAbs).toBeLessThan(1e-4);
    }
  }
  console.log(rows.join('\n'));
  await page.getByTestId('onnx-exports').screenshot({ path: `${SCREENS}/09-all-presets.png` });
  expect(problems, problems.join('\n')).toEqual([]);
});
