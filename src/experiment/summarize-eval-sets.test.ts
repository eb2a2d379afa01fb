// The experiment report with evaluation sets: a column group per set in the summary rows, comparisons on
// each set in the one Holm family, and the HTML / markdown showing both.
import { describe, expect, it } from 'vitest';
import { headerGroups, renderMarkdown, renderReport } from '../../scripts/report.mjs';
import type { RunLike } from '../analysis/summary';
import { Rng } from '../util/rng';
import { summarizeExperiment } from './summarize';

const I = 30;
const t2iImage = Array.from({ length: 3 * I }, (_, j) => Math.floor(j / 3));
function fin(rng: Rng, p: number) {
  const i2tRank = Array.from({ length: I }, () => (rng.next() < p ? 0 : 4));
  const t2iRank = t2iImage.map(() => (rng.next() < p ? 0 : 4));
  const r1 = (r: number[]) => r.filter((x) => x === 0).length / r.length;
  return { valLoss: 1, i2t: { 1: r1(i2tRank) }, t2i: { 1: r1(t2iRank) }, perExample: { i2tRank, t2iRank, t2iImage } };
}

describe('summarizeExperiment with evaluation sets', () => {
  const rng = new Rng(3);
  const runs: RunLike[] = ['base', 'alt'].flatMap((preset) =>
    [1, 2, 3].map((seed) => ({ preset, seed, final: fin(rng, preset === 'base' ? 0.5 : 0.55), evalSets: { drawings: fin(rng, preset === 'base' ? 0.2 : 0.8) } })),
  );
  const sum = summarizeExperiment(runs, ['base', 'alt']);

  it('adds a "<set> · …" column group per set, zero-shot left out of an unlabelled set', () => {
    const cols = Object.keys(sum.rows[0]);
    expect(cols).toContain('drawings · R@1 image→text');
    expect(cols).toContain('drawings · R@1 text→image');
    expect(cols).not.toContain('drawings · zero-shot accuracy');
    expect(sum.rows[1]['drawings · R@1 image→text']).toMatch(/^0\.\d{3} \[0\.\d{3}, \d\.\d{3}\]$/);
    expect(sum.note).toContain('evaluation set <set> ("drawings")');
  });

  it('compares each preset with the baseline on each set too, all in one Holm family', () => {
    expect(sum.comparisons.map((c) => [c.set ?? 'own', c.metric])).toEqual([
      ['own', 'i2t@1'],
      ['own', 't2i@1'],
      ['drawings', 'i2t@1'],
      ['drawings', 't2i@1'],
    ]);
    const d = sum.comparisons.filter((c) => c.set === 'drawings');
    for (const c of d) expect(c.diff).toBeGreaterThan(0.4);
    expect(d.find((c) => c.metric === 't2i@1')?.method).toBe('cluster multi-bootstrap');
    expect(d[0].verdict).toMatch(/over 4 comparisons/);
  });

  it('the HTML groups the columns under the set, the markdown names the set in comparisons', () => {
    const hg = headerGroups(Object.keys(sum.rows[0]));
    expect(hg?.groups.map((g) => [g.label, g.span])).toEqual([['', 3], ['own validation split', 9], ['evaluation set: drawings', 2]]);
    const result = { experiment: { name: 'x', presets: ['base', 'alt'] }, machine: 'test', date: '2026-01-01T00:00:00Z', wallSeconds: 1, summary: sum, runs: [] };
    const html = renderReport(result, '');
    expect(html).toContain('<th colspan="2" data-group="drawings">evaluation set: drawings</th>');
    expect(html).toContain('<td>drawings · i2t@1</td>');
    const md = renderMarkdown(result);
    expect(md).toContain('| drawings · R@1 image→text |');
    expect(md).toContain('| alt vs base | drawings · t2i@1 |');
  });
});
