// Reload survival: a reload mid-run brings back the runs, their metric history and charts; the
// finished run's model is re-attached from its stored checkpoint so retrieval works; the interrupted
// run resumes from its last checkpoint and ends on the SAME curve as an uninterrupted twin (same
// preset, same seed) bit for bit. The retrieval picker shows the same run after the reload as before,
// and never the interrupted twin (which cannot answer): it waits until the finished run's model is back.
import { mkdirSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { curves, hashUrl, idbAll, tinyExperiment, watchConsole } from './support';

const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-reload';
const RUN = tinyExperiment({
  presets: ['shared-all'],
  seeds: [2],
  hyper: { steps: 300, evalEvery: 100, checkpointEvery: 30 },
  runs: [
    { preset: 'shared-all', seed: 2 },
    { preset: 'shared-all', seed: 2 },
  ],
});

/** Status and stored-checkpoint step of each run, then the retrieval picker's choice, as saved in IndexedDB right now. */
const savedState = async (page: Page) => {
  const [v] = await idbAll<{ order: string[]; runs: Record<string, { status: string; checkpointStep?: number }>; picks?: { retrieval?: string } }>(page, 'sharelab-session', 'kv');
  return v ? [...v.order.map((id) => `${v.runs[id].status}@${v.runs[id].checkpointStep ?? '-'}`), `pick:${v.picks?.retrieval ?? '-'}`] : [];
};

test('a reload mid-run restores runs, history and models; the interrupted run resumes on the same curve', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const problems = watchConsole(page);
  await page.goto(hashUrl(RUN));
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('train').click();
  const rows = page.getByTestId('run-row');
  await expect(rows.first()).toHaveAttribute('data-status', 'done', { timeout: 5 * 60_000 });
  // The twin has stored a checkpoint (every 30 steps), and is still running (300 steps leave time to reload).
  const twinCkpt = rows.nth(1).getByRole('button', { name: /^Download checkpoint/ });
  await expect.poll(async () => Number(/step (\d+)/.exec((await twinCkpt.getAttribute('title')) ?? '')?.[1] ?? 0), { timeout: 180_000 }).toBeGreaterThanOrEqual(30);
  // The finished run is the only one retrieval can ask; choosing it saves the choice with the session.
  const picker = page.getByTestId('retrieval-run');
  await expect(picker.locator('option')).toHaveCount(1);
  const picked = await picker.inputValue();
  await picker.selectOption(picked);
  // The session is saved (debounced) within a couple of seconds: wait until storage has both runs' state.
  await expect
    .poll(async () => {
      const [a, b, pick] = await savedState(page);
      return a === 'done@300' && /^running@[1-9]\d+$/.test(b ?? '') && pick === `pick:${picked}`;
    }, { timeout: 30_000 })
    .toBe(true);
  const before = await curves(page);
  const twinLabel = Object.keys(before)[1];
  expect(before[twinLabel].length).toBeLessThan(300);

  await page.reload();
  await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
  await expect(rows).toHaveCount(2);
  await expect(page.getByText(/Restored 2 runs from your last session/)).toBeVisible();
  await expect(rows.first()).toHaveAttribute('data-status', 'done');
  await expect(rows.nth(1)).toHaveAttribute('data-status', 'paused');
  await expect(rows.nth(1)).toContainText(/interrupted at step \d+ by a reload — Resume continues from the checkpoint at step \d+/);
  const restored = await curves(page);
  expect(restored[Object.keys(restored)[0]]).toEqual(before[Object.keys(before)[0]]);
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${SCREENS}/restored.png`, fullPage: true });

  // The finished run's model came back (the picker offers it once re-attached, the same run as before): retrieval answers.
  await expect(picker).toHaveValue(picked, { timeout: 120_000 });
  await expect(picker.locator('option')).toHaveCount(1);
  await page.getByTestId('retrieval-text').fill('a small red circle');
  await page.getByRole('button', { name: 'Find images' }).click();
  await expect(page.getByTestId('retrieval-results').locator('li')).toHaveCount(5, { timeout: 60_000 });

  // Resume the interrupted twin: it must end on exactly the uninterrupted curve.
  await page.getByRole('button', { name: `Resume ${twinLabel}` }).click();
  await expect(rows.nth(1)).toHaveAttribute('data-status', 'done', { timeout: 5 * 60_000 });
  const after = await curves(page);
  const [a, b] = Object.values(after);
  expect(b.map((r) => r[0])).toEqual(a.map((r) => r[0]));
  expect(b).toEqual(a);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${SCREENS}/resumed.png`, fullPage: true });
  expect(problems).toEqual([]);
});
