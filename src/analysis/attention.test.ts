import { describe, expect, it } from 'vitest';
import { attentionStats, attentionTransfer, headMean, rollout } from './attention';

describe('attentionStats', () => {
  it('uniform attention: entropy 1, text distance by hand, pool share 1/L', () => {
    // N=1, H=1, T=3, uniform rows. distance = mean_i Σ_j |i-j|/3 /3 = (3 + 2 + 3)/9/3 = 8/27
    const p = new Float32Array(9).fill(1 / 3);
    const s = attentionStats(p, 1, 1, 3, { poolIndex: 'cls' });
    expect(s.entropy[0]).toBeCloseTo(1, 6);
    expect(s.distance[0]).toBeCloseTo(8 / 27, 6);
    expect(s.poolShare[0]).toBeCloseTo(1 / 3, 6);
  });

  it('one-hot self attention: entropy 0, distance 0; pool share from EOT index', () => {
    const T = 4;
    const p = new Float32Array(T * T);
    for (let i = 0; i < T; i++) p[i * T + i] = 1;
    const s = attentionStats(p, 1, 1, T, { poolIndex: Int32Array.of(2) });
    expect(s.entropy[0]).toBeCloseTo(0);
    expect(s.distance[0]).toBeCloseTo(0);
    expect(s.poolShare[0]).toBeCloseTo(1 / 4); // only row 2 puts its mass on token 2
  });

  it('respects validLen: padding rows and keys ignored, normalised by ln(L)', () => {
    // T=3, L=2: rows 0,1 attend [0.5, 0.5, 0]; row 2 garbage.
    const p = Float32Array.of(0.5, 0.5, 0, 0.5, 0.5, 0, 9, 9, 9);
    const s = attentionStats(p, 1, 1, 3, { poolIndex: Int32Array.of(1), validLen: Int32Array.of(2) });
    expect(s.entropy[0]).toBeCloseTo(1, 6);
    expect(s.distance[0]).toBeCloseTo(0.25, 6); // each row: 0.5 · 1/2
    expect(s.poolShare[0]).toBeCloseTo(0.5, 6);
  });

  it('causal rows: entropy normalised by ln(i + 1) visible keys; row 0 (one key) left out', () => {
    // T=4, causal row i uniform over keys 0..i: every row with a choice is maximally spread → 1.
    // Dividing by ln(L) instead would give (ln2 + ln3 + ln4)/ln4/3 ≈ 0.76 over rows 1..3.
    const T = 4;
    const p = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) p[i * T + j] = 1 / (i + 1);
    const s = attentionStats(p, 1, 1, T, { poolIndex: Int32Array.of(3), causal: true });
    expect(s.entropy[0]).toBeCloseTo(1, 6);
    // each row on its last key only: entropy 0 whatever the normalisation
    const q = new Float32Array(T * T);
    for (let i = 0; i < T; i++) q[i * T + i] = 1;
    expect(attentionStats(q, 1, 1, T, { poolIndex: Int32Array.of(3), causal: true }).entropy[0]).toBeCloseTo(0, 6);
    // with padding (2 valid tokens): only row 1 counts, uniform over its 2 keys → 1
    const r = Float32Array.of(1, 0, 0, 0, 0.5, 0.5, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9);
    expect(attentionStats(r, 1, 1, T, { poolIndex: Int32Array.of(1), validLen: Int32Array.of(2), causal: true }).entropy[0]).toBeCloseTo(1, 6);
  });

  it('image grid distance: Euclidean patch distance / grid side, CLS at 0', () => {
    // grid 2 → tokens: CLS, (0,0), (0,1), (1,0), (1,1). Row of patch (0,0) fully on patch (1,1): √2/2.
    const T = 5;
    const p = new Float32Array(2 * T * T); // H = 2
    for (let i = 0; i < T; i++) p[i * T + 0] = 1; // head 0: everything on CLS
    for (let i = 0; i < T; i++) p[T * T + i * T + 4] = 1; // head 1: everything on patch (1,1)
    const s = attentionStats(p, 1, 2, T, { poolIndex: 'cls', grid: 2 });
    expect(s.distance[0]).toBeCloseTo(0);
    expect(s.poolShare[0]).toBeCloseTo(1);
    // rows: CLS→0, (0,0)→√2/2, (0,1)→1/2, (1,0)→1/2, (1,1)→0
    expect(s.distance[1]).toBeCloseTo((Math.SQRT2 / 2 + 1) / 5, 6);
    expect(s.poolShare[1]).toBeCloseTo(0);
  });

  it('averages over items', () => {
    const a = new Float32Array(4).fill(0.5);
    const b = Float32Array.of(1, 0, 0, 1);
    const both = new Float32Array(8);
    both.set(a);
    both.set(b, 4);
    const s = attentionStats(both, 2, 1, 2, { poolIndex: 'cls' });
    expect(s.entropy[0]).toBeCloseTo(0.5, 6);
  });
});

describe('attentionTransfer', () => {
  it('is 1 for identical stats and 1 − mean|diff| otherwise', () => {
    const a = { entropy: [0.5, 1], distance: [0.2, 0], poolShare: [0.1, 0] };
    const b = { entropy: [0.5, 0], distance: [0.2, 0.3], poolShare: [0.1, 0.6] };
    const t = attentionTransfer([a], [b]);
    expect(t[0][0]).toBeCloseTo(1);
    expect(t[0][1]).toBeCloseTo(1 - (1 + 0.3 + 0.6) / 3);
  });
  it('drops extra layers', () => {
    const a = { entropy: [0], distance: [0], poolShare: [0] };
    expect(attentionTransfer([a, a], [a])).toHaveLength(1);
  });
});

describe('rollout', () => {
  it('identity attention rolls out to identity; uniform layer mixes half', () => {
    const T = 2;
    const I = Float64Array.of(1, 0, 0, 1);
    expect(Array.from(rollout([I, I], T)[1])).toEqual([1, 0, 0, 1]);
    const U = Float64Array.of(0.5, 0.5, 0.5, 0.5);
    // Â = (U + I)/2 = [[.75,.25],[.25,.75]]; two layers: [[.625,.375],[.375,.625]]
    const r = rollout([U, U], T);
    expect(r[0][0]).toBeCloseTo(0.75);
    expect(r[1][0]).toBeCloseTo(0.625);
    expect(r[1][1]).toBeCloseTo(0.375);
  });
  it('headMean averages heads', () => {
    const p = Float32Array.of(1, 0, 0, 1, 0, 1, 1, 0);
    expect(Array.from(headMean(p, 0, 2, 2))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
