// CPU-only: the hand-derived attention backward reference against float64 finite differences,
// plus the forward reference's basic invariants (rows sum to 1, masked entries 0, lse consistent).
import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import { type AttnRefDims, attentionBackwardRef, attentionForwardRef } from './attention';

const cases: AttnRefDims[] = [
  { B: 1, T: 1, H: 1, D: 4, causal: false },
  { B: 2, T: 3, H: 2, D: 4, causal: false },
  { B: 2, T: 4, H: 1, D: 3, causal: true },
  { B: 3, T: 4, H: 2, D: 2, causal: false, lengths: [4, 1, 2] },
  { B: 3, T: 5, H: 1, D: 4, causal: true, lengths: [1, 3, 5] },
];

function label(d: AttnRefDims): string {
  return `B${d.B} T${d.T} H${d.H} D${d.D}${d.causal ? ' causal' : ''}${d.lengths ? ` len [${Array.from(d.lengths)}]` : ''}`;
}

describe('attention references', () => {
  for (const [n, d] of cases.entries()) {
    it(`backward matches finite differences (${label(d)})`, () => {
      const rng = new Rng(900 + n);
      const C = d.H * d.D;
      const qkv = Float64Array.from(randArray(rng, d.B * d.T * 3 * C));
      const w = Float64Array.from(randArray(rng, d.B * d.T * C));
      const got = attentionBackwardRef(qkv, w, d);
      const want = numericalGradient((x) => dot(attentionForwardRef(x, d).out, w), qkv);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-7 + 1e-6 * Math.abs(want[i]));
    });
  }

  it('probabilities: rows sum to 1, masked entries are 0, lse matches', () => {
    const d: AttnRefDims = { B: 2, T: 5, H: 2, D: 3, causal: true, lengths: [5, 2] };
    const rng = new Rng(7);
    const qkv = randArray(rng, d.B * d.T * 3 * d.H * d.D);
    const { probs, lse } = attentionForwardRef(qkv, d);
    for (let b = 0; b < d.B; b++) {
      for (let h = 0; h < d.H; h++) {
        for (let i = 0; i < d.T; i++) {
          const row = ((b * d.H + h) * d.T + i) * d.T;
          let s = 0;
          for (let j = 0; j < d.T; j++) {
            const visible = j < (d.lengths?.[b] ?? d.T) && j <= i;
            if (!visible) expect(probs[row + j]).toBe(0);
            s += probs[row + j];
          }
          expect(Math.abs(s - 1)).toBeLessThan(1e-12);
          expect(Number.isFinite(lse[(b * d.H + h) * d.T + i])).toBe(true);
        }
      }
    }
  });
});
