// Teacher runs from a pretrained vision tower (issue 16.6, LLM2CLIP fine-tunes a pretrained vision encoder) on the
// browser GPU (SwiftShader): train a normal tiny run; make a precomputed teacher table in Node (hashed bag of words
// of the caption list, row order); refuse a garbage file and a checkpoint whose vision.proj contradicts its config
// (naming the tensor and both shapes); train a teacher run whose vision tower comes from the finished run with
// lr × vision tower = 0 (frozen) — its checkpoint's vision tensors equal the source run's bit for bit, so the
// tower was loaded exactly and the group's lr reached AdamW — and one from scratch (same seed, teacher, steps),
// and print their retrieval (not asserted: see step 7). Screenshots in test-results/screens-teacher-vision/ (or $SCREENS_DIR).
import { mkdirSync, readFileSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { readCheckpoint } from '../src/train/checkpoint';
import { decodeSafetensors, encodeSafetensors } from '../src/train/safetensors';
import { writeNpy } from '../src/teacher/parse';

/** The source run trains 150 steps; the teacher runs 40 (set in the training panel before they are queued). */
const HYPER = { batchSize: 32, steps: 150, logEvery: 10, evalEvery: 50, warmup: 4, lr: 0.003, checkpointEvery: 0 };
const TINY = {
  dataset: { kind: 'builtin', seed: 0, count: 128, valCount: 48, heldOutCount: 16, size: 16 },
  model: {
    vision: { imageSize: 16, patchSize: 8, width: 16, depth: 1, heads: 2, mlpRatio: 2 },
    text: { width: 16, depth: 1, heads: 2, mlpRatio: 2 },
    embedDim: 16,
  },
  loss: 'infonce',
  hyper: HYPER,
  presets: ['separate'],
  seeds: [0],
  runs: [{ preset: 'separate', seed: 0 }],
};
const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-teacher-vision';
const hashOf = (v: unknown) => `/#${encodeURIComponent(JSON.stringify(v))}`;
const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

/** A stand-in text teacher: each word hashed into one of `dim` signed slots (FNV-1a), one row per caption. */
function bagOfWords(captions: string[], dim: number): Float32Array {
  const out = new Float32Array(captions.length * dim);
  captions.forEach((c, r) => {
    for (const w of c.toLowerCase().split(/[^a-z]+/).filter(Boolean)) {
      let h = 2166136261;
      for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
      out[r * dim + (h % dim)] += h & 0x10000 ? 1 : -1;
    }
    out[r * dim + dim - 1] += 0.1; // no all-zero row
  });
  return out;
}

const bytesOf = (d: ArrayBufferView | undefined) => (d ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.alloc(0));

async function download(page: Page, name: RegExp): Promise<Uint8Array> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name }).click()]);
  return new Uint8Array(readFileSync(await dl.path()));
}

test('a teacher run starts from a finished run’s vision tower (bit-exact), with its own lr', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const problems: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  await page.goto(hashOf(TINY));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });

  // --- 1. the source: a normal run (150 steps), and its checkpoint
  await page.getByTestId('train').click();
  await expect(page.locator('[data-testid=run-row][data-status=done]')).toHaveCount(1, { timeout: 8 * 60_000 });
  const source = await download(page, /^Download checkpoint of separate/);
  await page.getByTestId('hyper-steps').fill('40');
  await page.getByTestId('hyper-evalEvery').fill('20');

  // --- 2. a precomputed teacher table from the caption list
  const [capDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('teacher-captions').click()]);
  const captions = readFileSync(await capDl.path(), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { caption: string }).caption);
  await page.getByTestId('teacher-files').setInputFiles([file('bow.npy', writeNpy(bagOfWords(captions, 32), captions.length, 32))]);
  await expect(page.getByTestId('teacher-info')).toHaveAttribute('data-kind', 'npy', { timeout: 60_000 });

  // --- 3. refusals: garbage, and a checkpoint whose vision.proj contradicts its own config; the choice stays
  const vErr = page.getByTestId('teacher-vision-error');
  await page.getByTestId('teacher-vision-source').selectOption('file');
  await page.getByTestId('teacher-vision-file').setInputFiles([file('garbage.safetensors', Uint8Array.from({ length: 512 }, (_, i) => (i * 37) & 255))]);
  await expect(vErr).toContainText('garbage.safetensors: ', { timeout: 60_000 });
  await expect(vErr).toContainText('the vision tower stays from scratch');
  const { tensors, metadata } = decodeSafetensors(source);
  tensors.set('vision.proj', { shape: [16, 8], data: new Float32Array(128) });
  await page.getByTestId('teacher-vision-file').setInputFiles([file('tampered.safetensors', encodeSafetensors(tensors, metadata))]);
  await expect(vErr).toContainText('tampered.safetensors: tensor "vision.proj" has shape [16, 8]; its config\'s vision tower needs [16, 16]', { timeout: 60_000 });
  await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/01-refused.png` });

  // --- 4. from the finished run, frozen (lr × vision tower = 0)
  await page.getByTestId('teacher-vision-source').selectOption({ label: 'from run separate · seed 0' });
  const vInfo = page.getByTestId('teacher-vision-info');
  await expect(vInfo).toContainText('Vision tower from separate · seed 0 (step 150): width 16, depth 1, 2 heads, 16px / patch 8, joint width 16', { timeout: 60_000 });
  await expect(vErr).toHaveCount(0);
  await page.getByTestId('hyper-lrMultVision').fill('0');
  await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/02-vision-from-run.png` });
  await page.getByTestId('teacher-train').click();
  const pre = 'teacher: bow.npy (linear) · vision from separate · seed 0 · seed 0';
  await expect(page.getByTestId('run-row').filter({ hasText: pre })).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });

  // --- 5. the same teacher run from scratch (vision lr × 1)
  await page.getByTestId('teacher-vision-source').selectOption('scratch');
  await page.getByTestId('hyper-lrMultVision').fill('1');
  await page.getByTestId('teacher-train').click();
  const scratch = 'teacher: bow.npy (linear) · seed 0';
  await expect(page.getByTestId('run-row').filter({ hasText: scratch })).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });

  // --- 6. the frozen tower is the source's, bit for bit; the adapter trained
  const tuned = await download(page, /^Download checkpoint of teacher: bow\.npy \(linear\) · vision from/);
  const a = decodeSafetensors(tuned).tensors;
  const src = readCheckpoint(source).meta;
  const b = decodeSafetensors(source).tensors;
  const vision = [...a.keys()].filter((n) => n.startsWith('vision.'));
  expect(vision.length).toBeGreaterThan(10);
  for (const n of vision) {
    const theirs = b.get(n) ?? b.get(src.aliases[n]);
    expect(theirs && bytesOf(a.get(n)?.data).equals(bytesOf(theirs.data)), n).toBe(true);
  }
  expect(readCheckpoint(tuned).meta.hyper.lrMultVision).toBe(0);
  expect(readCheckpoint(tuned).meta.config.teacher?.vision).toMatchObject({ from: 'run', name: 'separate · seed 0', step: 150 });

  // --- 7. retrieval, printed, not asserted: step 0 is ~chance for both (the adapter is fresh, so text and image
  // embeddings are unaligned whatever the tower), and at this size (width 16, 48 val images: one image = 2.1 points
  // of R@1) the frozen pretrained tower did not beat a from-scratch run after 40 or 80 steps in our runs (issue report).
  const r1 = async (label: string) => {
    const tr = page.locator('[data-testid=teacher-run]').filter({ hasText: label });
    return [Number(await tr.getAttribute('data-r1-start')), Number(await tr.getAttribute('data-r1-end'))];
  };
  const [p0, p1] = await r1(pre);
  const [s0, s1] = await r1(scratch);
  console.log(`mean R@1 (48 val images, chance ≈ 2.1%): pretrained frozen tower ${(100 * p0).toFixed(1)}% → ${(100 * p1).toFixed(1)}%; from scratch ${(100 * s0).toFixed(1)}% → ${(100 * s1).toFixed(1)}%`);
  await page.getByTestId('teacher-panel').screenshot({ path: `${SCREENS}/03-teacher-runs.png` });
  expect(problems, problems.join('\n')).toEqual([]);
});
