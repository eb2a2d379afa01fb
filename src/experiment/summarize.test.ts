// The experiment report's comparisons: raw and Holm-adjusted p side by side, the verdict from the
// adjusted p, and no p printed as 0.000.
import { describe, expect, it } from 'vitest';
import { formatP as formatPReport, paramsByModule, renderMarkdown, renderReport } from '../../scripts/report.mjs';
import { buildLayout, paramCounts } from '../model/params';
import { presetConfig } from '../model/registry';
import { Rng } from '../util/rng';
import { formatP } from '../analysis/seed-stats';
import type { RunLike } from '../analysis/summary';
import { summarizeExperiment } from './summarize';

const I = 60;
const t2iImage = Array.from({ length: I * 5 }, (_, j) => Math.floor(j / 5));

/** Runs whose recall rises with `skill`; per-example ranks, every t2i query with its image. */
function run(preset: string, seed: number, skill: number, rng: Rng): RunLike {
  const hit = (p: number) => (rng.next() < p ? 0 : 5);
  const i2tRank = Array.from({ length: I }, () => hit(skill));
  const t2iRank = t2iImage.map(() => hit(skill));
  const frac = (r: number[]) => r.filter((x) => x === 0).length / r.length;
  return { preset, seed, final: { valLoss: 2 - skill + 0.01 * rng.normal(), i2t: { 1: frac(i2tRank) }, t2i: { 1: frac(t2iRank) }, perExample: { i2tRank, t2iRank, t2iImage } } };
}

describe('summarizeExperiment', () => {
  const rng = new Rng(5);
  // base vs a clearly better config and two that differ only slightly (one of them just past the raw threshold).
  const skills: Record<string, number> = { base: 0.3, better: 0.9, near: 0.34, same: 0.3 };
  const runs = Object.entries(skills).flatMap(([p, s]) => [1, 2, 3, 4, 5].map((seed) => run(p, seed, s, rng)));
  const sum = summarizeExperiment(runs, Object.keys(skills));

  it('gives each comparison a raw and a Holm-adjusted p, adjusted over the whole family', () => {
    expect(sum.comparisons).toHaveLength(6);
    for (const c of sum.comparisons) {
      expect(c.pHolm).toBeGreaterThanOrEqual(c.p);
      expect(c.pHolm).toBeLessThanOrEqual(1);
      expect(c.replicates).toBe(1000);
    }
    const t2i = sum.comparisons.filter((c) => c.metric === 't2i@1');
    expect(t2i.every((c) => c.method === 'cluster multi-bootstrap')).toBe(true);
    const better = sum.comparisons.filter((c) => c.a === 'better');
    // no replicate with the other sign: raw p < 1/1000, Holm p ≤ 6 × 1/1000 (1/R enters as 1/R)
    for (const c of better) {
      expect(c.p).toBeLessThan(0.001);
      expect(c.pHolm).toBeLessThanOrEqual(0.006 + 1e-12);
      expect(c.verdict).toMatch(/^A > B \(Holm-adjusted p = 0\.00\d over 6 comparisons/);
    }
  });

  it('the verdict follows the adjusted p: a raw-significant difference can fail after Holm', () => {
    for (const c of sum.comparisons) {
      const called = !c.verdict.startsWith('no detectable');
      expect(called).toBe(c.pHolm < 0.025);
    }
  });

  it('the markdown has a Holm column and prints "< 0.001", never 0.000', () => {
    const md = renderMarkdown({ machine: 'test', date: '2026-01-01T00:00:00Z', wallSeconds: 60, summary: sum });
    expect(md).toContain('| comparison | metric | Δ [95% CI] | p (one-sided) | Holm p | verdict (Holm) |');
    expect(md).toContain('< 0.001');
    expect(md).not.toMatch(/\b0\.000\b/);
    // the report script's copy of formatP agrees with the TypeScript one
    for (const [p, r] of [[0, 1000], [0.0004, 2000], [0.0123, 2000], [0.5, 1000]] as const) expect(formatPReport(p, r)).toBe(formatP(p, r));
  });
});

describe('report: parameters by module', () => {
  // Counted as the runner counts them (src/model/modules.ts), for a real config per preset, two seeds each.
  const params = (p: string) => paramCounts(buildLayout(presetConfig(p, { vision: { depth: 4 }, text: { depth: 4 } })));
  const result = {
    machine: 'test',
    date: '2026-01-01T00:00:00Z',
    wallSeconds: 60,
    experiment: { name: 'x', presets: ['separate', 'ms-clip'] },
    runs: ['ms-clip', 'separate', 'ms-clip', 'separate'].map((preset, i) => ({ id: `${preset}-s${i}`, preset, params: params(preset), curve: [], evals: [] })),
  };

  it('has one row per preset in the experiment order and the modules some preset has', () => {
    const t = paramsByModule(result);
    if (!t) throw new Error('no table');
    expect(t.rows.map((r) => r[0])).toEqual(['separate', 'ms-clip']);
    expect(t.cols.slice(0, 2)).toEqual(['preset', 'total']);
    for (const m of ['stem', 'branch', 'fusion', 'shared', 'visionTower']) expect(t.cols).toContain(m);
    expect(t.cols).not.toContain('adapter'); // no teacher run
    const col = (m: string) => t.cols.indexOf(m);
    const ms = params('ms-clip').byModule as Record<string, number>;
    expect(t.rows[1][col('branch')]).toBe(ms.branch.toLocaleString('en-US'));
    expect(t.rows[0][col('branch')]).toBe('0');
    expect(t.rows[0][col('total')]).toBe(params('separate').total.toLocaleString('en-US'));
  });

  it('appears in the markdown and the HTML, and is absent for results without per-module counts', () => {
    const md = renderMarkdown(result);
    expect(md).toMatch(/\| preset \| total \| stem \| branch \| fusion \|/);
    expect(md.split('\n').filter((l) => l.startsWith('| ms-clip |'))).toHaveLength(1);
    expect(renderReport(result, '')).toContain('data-table="params-by-module"');
    const old = { ...result, runs: result.runs.map(({ params: _, ...r }) => r) };
    expect(paramsByModule(old)).toBeNull();
    expect(renderMarkdown(old)).not.toContain('by module');
  });
});
