// A family of A−B comparisons shown together (an experiment report's 16, Compare A vs B's "A against
// every other config"): Holm-adjusted p-values beside the raw ones, and the plain-words verdict
// taken from the ADJUSTED p (METHODS.md: many comparisons in one report).
// p is one-sided in the direction of the observed difference, so "the 95% CI excludes 0" is
// p < α/2; the family verdict asks the same of the Holm-adjusted p (a Holm-corrected two-sided test).
import type { PairedBootstrapResult } from './bootstrap';
import { describeSize } from './bootstrap';
import { formatP, holm } from './seed-stats';

export type FamilyMember = Pick<PairedBootstrapResult, 'diff' | 'pOneSided' | 'replicates' | 'alpha' | 'seeds' | 'examples' | 'clusters' | 'method'>;

export interface Adjusted {
  /** Holm-adjusted one-sided p over the family (a bootstrap p below 1/R enters as 1/R: conservative). */
  pHolm: number;
  /** Plain words from the adjusted p. */
  verdict: string;
}

export function adjustFamily(members: FamilyMember[]): Adjusted[] {
  const m = members.length;
  const adj = holm(members.map((c) => (c.replicates > 0 ? Math.max(c.pOneSided, 1 / c.replicates) : c.pOneSided)));
  return members.map((c, i) => {
    const pHolm = adj[i];
    const size = describeSize(c.seeds, c.examples, c.clusters);
    const p = `Holm-adjusted p = ${formatP(pHolm, c.replicates)} over ${m} comparison${m === 1 ? '' : 's'}`;
    let verdict: string;
    if (c.seeds === 1 && c.examples === 1) verdict = `cannot tell: one seed of an aggregate metric (${size})`;
    else if (pHolm < c.alpha / 2 && c.diff !== 0) verdict = `${c.diff > 0 ? 'A > B' : 'A < B'} (${p}; ${size})`;
    else verdict = `no detectable difference (${p}; ${size})`;
    return { pHolm, verdict };
  });
}
