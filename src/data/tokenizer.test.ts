import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { generateBuiltin } from './builtin/generate';
import { BpeTokenizer, EOT_ID, normalizeText, PAD_ID, SOT_ID } from './tokenizer';

const captions = generateBuiltin({ seed: 0, count: 4000, valCount: 0, heldOutCount: 0 }).captions.flat(); // 20k

/** A corpus with thousands of distinct random words, so 512 entries are reachable. */
function randomCorpus(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocab = Array.from({ length: 3000 }, () =>
    Array.from({ length: 2 + rng.int(8) }, () => letters[rng.int(letters.length)]).join(''),
  );
  return Array.from({ length: n }, () => Array.from({ length: 3 + rng.int(8) }, () => vocab[rng.int(vocab.length)]).join(' '));
}

describe('normalizeText', () => {
  it('lower-cases and collapses whitespace', () => {
    expect(normalizeText('  A  Red\tCIRCLE\n\u00a0left ')).toBe('a red circle left');
    expect(normalizeText('')).toBe('');
    expect(normalizeText('x\uD800y')).toBe('x\uFFFDy'); // lone surrogate
  });
});

describe('BpeTokenizer', () => {
  const tok = BpeTokenizer.train(captions, { vocabSize: 512 });

  it('trains on 20k captions in < 2 s and respects the vocab size', () => {
    expect(captions.length).toBe(20000);
    const corpus = randomCorpus(20000, 1);
    const t0 = performance.now();
    const big = BpeTokenizer.train(corpus, { vocabSize: 512 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(big.vocabSize).toBe(512);
    const t1 = performance.now();
    BpeTokenizer.train(captions, { vocabSize: 512 });
    expect(performance.now() - t1).toBeLessThan(2000);
    // The built-in corpus runs out of pairs (every word becomes one token) before 512.
    expect(tok.vocabSize).toBeLessThanOrEqual(512);
    expect(tok.vocabSize).toBeGreaterThan(259);
    expect(BpeTokenizer.train(corpus, { vocabSize: 300 }).vocabSize).toBe(300);
    for (const c of captions.slice(0, 200)) for (const id of tok.encodeIds(c)) expect(id).toBeLessThan(tok.vocabSize);
  });

  it('compresses the built-in captions to about one token per word', () => {
    const c = 'a small red circle left of a large blue square';
    expect(tok.encodeIds(c).length).toBe(c.split(' ').length);
    expect(tok.tokens(tok.encodeIds(c))).toEqual(c.split(' ').map((w) => ` ${w}`));
  });

  it('is deterministic and independent of corpus order', () => {
    const a = BpeTokenizer.train(captions, { vocabSize: 400 });
    const shuffled = new Rng(5).shuffle(captions.slice());
    const b = BpeTokenizer.train(shuffled, { vocabSize: 400 });
    expect(a.toJSON()).toEqual(b.toJSON());
    const corpus = randomCorpus(3000, 2);
    expect(BpeTokenizer.train(corpus).toJSON()).toEqual(BpeTokenizer.train(corpus.slice().reverse()).toJSON());
  });

  it('round-trips captions and odd strings', () => {
    for (const c of captions.slice(0, 500)) expect(tok.decode(tok.encode(c, 64).ids)).toBe(c);
    for (const s of ['Hello,   WORLD!', 'émoji 👩‍👩‍👧 🟥 ok', '中文 和 日本語', '  ', '', 'a\u0301', 'İstanbul', 'x\uD800']) {
      expect(tok.decode(tok.encodeIds(s))).toBe(normalizeText(s));
    }
  });

  it('round-trips arbitrary unicode (property)', () => {
    const bigTok = BpeTokenizer.train(randomCorpus(2000, 3), { vocabSize: 400 });
    for (const t of [tok, bigTok]) {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string()), (s) => {
          const e = t.encode(s, 4096);
          expect(e.truncated).toBe(false);
          expect(t.decode(e.ids)).toBe(normalizeText(s));
        }),
        { numRuns: 300, seed: 42 },
      );
    }
    // Including strings with lone surrogates (16-bit units): decode gives U+FFFD for them.
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (s) => {
        expect(tok.decode(tok.encodeIds(s))).toBe(normalizeText(s));
      }),
      { numRuns: 300, seed: 43 },
    );
  });

  it('encode: sot … eot then pad; truncation keeps eot last and is reported', () => {
    const e = tok.encode('a red circle', 16);
    expect(e.ids.length).toBe(16);
    expect(e.ids[0]).toBe(SOT_ID);
    expect(e.length).toBe(5);
    expect(e.eotIndex).toBe(4);
    expect(e.ids[4]).toBe(EOT_ID);
    expect(Array.from(e.ids.subarray(5))).toEqual(new Array(11).fill(PAD_ID));
    expect(e.truncated).toBe(false);

    const long = 'a small red circle left of a large blue square on the left';
    const t = tok.encode(long, 6);
    expect(t.truncated).toBe(true);
    expect(t.length).toBe(6);
    expect(t.eotIndex).toBe(5);
    expect(t.ids[5]).toBe(EOT_ID);
    expect(tok.decode(t.ids)).toBe('a small red circle');
    // Exactly fitting is not truncated.
    const n = tok.encodeIds(long).length;
    expect(tok.encode(long, n + 2).truncated).toBe(false);
    expect(tok.encode(long, n + 1).truncated).toBe(true);
    expect(() => tok.encode('x', 1)).toThrow();

    const batch = tok.encodeBatch(['a red circle', long, long], 8);
    expect(batch.truncated).toBe(2);
    expect(Array.from(batch.eot)).toEqual([4, 7, 7]);
    expect(Array.from(batch.lengths)).toEqual([5, 8, 8]);
    expect(Array.from(batch.ids.subarray(8, 16))).toEqual(Array.from(tok.encode(long, 8).ids));
  });

  it('tokens() labels every id, specials by name', () => {
    const e = tok.encode('a red 👍', 12);
    const labels = tok.tokens(e.ids.subarray(0, e.length + 1));
    expect(labels[0]).toBe('<|sot|>');
    expect(labels[e.eotIndex]).toBe('<|eot|>');
    expect(labels[e.length]).toBe('<|pad|>');
    expect(labels.slice(1, 3)).toEqual([' a', ' red']);
  });

  it('serialises to a stable JSON format and back', () => {
    const j = JSON.parse(JSON.stringify(tok.toJSON()));
    expect(j.type).toBe('bpe-bytes');
    expect(j.specials).toEqual({ '<|pad|>': 0, '<|sot|>': 1, '<|eot|>': 2 });
    expect(j.merges.length).toBe(tok.vocabSize - 259);
    const back = BpeTokenizer.fromJSON(j);
    expect(back.vocabSize).toBe(tok.vocabSize);
    for (const c of [...captions.slice(0, 100), 'Ünïcödé ✓ 🚀']) {
      expect(Array.from(back.encode(c, 32).ids)).toEqual(Array.from(tok.encode(c, 32).ids));
    }
    expect(() => BpeTokenizer.fromJSON({ ...j, type: 'wordpiece' })).toThrow();
    expect(() => BpeTokenizer.fromJSON({ ...j, vocabSize: 9999 })).toThrow();
    expect(() => BpeTokenizer.fromJSON({ ...j, merges: [[5000, 3]] , vocabSize: 260 })).toThrow();
  });
});
