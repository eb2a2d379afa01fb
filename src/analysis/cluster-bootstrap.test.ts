// The cluster Multi-Bootstrap (METHODS.md: the example unit is the image). Text→image queries of one
// image's 5 captions share the image's difficulty, so they are correlated; resampling captions one by
// one treats 5 correlated queries as 5 independent ones and makes the CI too narrow.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { multiBootstrap, pairedMultiBootstrap } from './bootstrap';
import { compareConfigs, type RunLike } from './summary';

const CAPTIONS = 5;
/** caption j → image ⌊j / 5⌋, as the val set orders captions (src/data/prepare.ts). */
const imageOf = (images: number) => Array.from({ length: images * CAPTIONS }, (_, j) => Math.floor(j / CAPTIONS));

describe('cluster multi-bootstrap', () => {
  it('correlated captions (5 per image): ~95% coverage by images, under-coverage by captions', () => {
    // Image difficulty p_i ~ Beta-like (mean 0.5, sd ~0.29: uniform); a caption of image i is a hit
    // with probability p_i, independently across captions and seeds given p_i. The population mean
    // (a new evaluation set of images, new seeds) is 0.5. Intra-image correlation ≈ 1/3 → design
    // effect 1 + 4/3 ≈ 2.3: an independent-caption CI is ~1/√2.3 ≈ 0.66 as wide as it should be.
    const rng = new Rng(4242);
    const S = 3;
    const I = 40;
    const clusters = imageOf(I);
    const n = 300;
    let byImage = 0;
    let byCaption = 0;
    for (let t = 0; t < n; t++) {
      const p = Array.from({ length: I }, () => rng.next());
      const m = Array.from({ length: S }, () => clusters.map((i) => (rng.next() < p[i] ? 1 : 0)));
      const c = multiBootstrap(m, { replicates: 400, seed: t + 1, clusters });
      const naive = multiBootstrap(m, { replicates: 400, seed: t + 1 });
      if (c.ci[0] <= 0.5 && c.ci[1] >= 0.5) byImage++;
      if (naive.ci[0] <= 0.5 && naive.ci[1] >= 0.5) byCaption++;
    }
    console.log(`coverage over ${n} simulated evaluations (${S} seeds × ${I} images × ${CAPTIONS} captions): images ${byImage / n}, captions ${byCaption / n}`);
    expect(byImage / n).toBeGreaterThanOrEqual(0.91);
    expect(byImage / n).toBeLessThanOrEqual(0.99);
    expect(byCaption / n).toBeLessThan(0.86);
  });

  it('reports the clusters, and singleton clusters equal the plain bootstrap', () => {
    const rng = new Rng(3);
    const m = Array.from({ length: 3 }, () => Array.from({ length: 20 }, () => rng.normal()));
    const c = multiBootstrap(m, { replicates: 300, seed: 2, clusters: imageOf(4) });
    expect(c).toMatchObject({ resampled: 'seeds+clusters', method: 'cluster multi-bootstrap', clusters: 4, examples: 20 });
    const single = multiBootstrap(m, { replicates: 300, seed: 2, clusters: m[0].map((_, e) => e) });
    const plain = multiBootstrap(m, { replicates: 300, seed: 2 });
    expect(single.ci[0]).toBeCloseTo(plain.ci[0], 12);
    expect(single.ci[1]).toBeCloseTo(plain.ci[1], 12);
    expect(() => multiBootstrap(m, { clusters: [0, 1] })).toThrow(/2 labels for 20 examples/);
    const d = pairedMultiBootstrap(m, m.map((r) => r.map((v) => v - 1)), { replicates: 100, clusters: imageOf(4) });
    expect(d.verdict).toContain('3 seeds × 20 examples in 4 images');
  });

  it('compareConfigs clusters text→image queries by the stored image map, and warns without it', () => {
    const rng = new Rng(9);
    const I = 30;
    const t2iImage = imageOf(I);
    const p = Array.from({ length: I }, () => rng.next());
    const run = (preset: string, seed: number, withMap: boolean): RunLike => {
      const t2iRank = t2iImage.map((i) => (rng.next() < p[i] ? 0 : 3));
      const i2tRank = p.map((q) => (rng.next() < q ? 0 : 2));
      return { preset, seed, final: { perExample: { i2tRank, t2iRank, ...(withMap ? { t2iImage } : {}) } } };
    };
    const runs = [1, 2, 3].flatMap((s) => [run('A', s, true), run('B', s, true)]);
    const c = compareConfigs(runs, 'A', 'B', 't2i@1', { replicates: 300 });
    expect(c).toMatchObject({ resampled: 'seeds+clusters', clusters: I, examples: I * CAPTIONS });
    const old = compareConfigs(
      runs.map((r) => ({ ...r, final: { perExample: { i2tRank: r.final?.perExample?.i2tRank ?? [], t2iRank: r.final?.perExample?.t2iRank ?? [] } } })),
      'A',
      'B',
      't2i@1',
      { replicates: 300 },
    );
    expect(old?.resampled).toBe('seeds+examples');
    expect(old?.caveat).toContain('captions resampled independently');
    // image→text is one query per image: never clustered, never warned.
    expect(compareConfigs(runs, 'A', 'B', 'i2t@1', { replicates: 100 })).toMatchObject({ resampled: 'seeds+examples', examples: I, caveat: '' });
  });
});
