// Byte-level BPE (GPT-2 style, no unknown tokens: every string encodes through its UTF-8 bytes), trained
// deterministically on a caption corpus.
//
// Ids: 0 <|pad|>, 1 <|sot|>, 2 <|eot|>, 3..258 the 256 bytes (id = byte + 3), then one id per merge in
// training order (merge k → id 259 + k). vocabSize = 259 + number of merges.
//
// Normalisation (applied before training and encoding; decode returns the normalised text):
//   1. lone UTF-16 surrogates → U+FFFD (they have no UTF-8 form),
//   2. String.prototype.toLowerCase (locale-independent),
//   3. every run of whitespace (JS \s) → one space, then trim.
// Pre-tokenisation: a space is prepended (so "red" at the start and mid-sentence is the same token),
// then the text is cut into chunks / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+/ — merges never cross chunks.
//
// Training: word-frequency dedup, pair counts updated incrementally per merge (only words containing
// the merged pair are touched), a lazy max-heap picks the most frequent pair; ties go to the smallest
// (left id, right id), so the result depends only on the multiset of captions, not on their order.

export const PAD_ID = 0;
export const SOT_ID = 1;
export const EOT_ID = 2;
export const SPECIAL_TOKENS = ['<|pad|>', '<|sot|>', '<|eot|>'] as const;
const BYTE_OFFSET = 3;
const FIRST_MERGE_ID = BYTE_OFFSET + 256;
/** Pair key = left · KEY + right; ids stay below 2^20, keys below 2^40 (exact in a double). */
const KEY = 1 << 20;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CHUNK = / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu;

/** The normalisation every caption goes through (see the header). */
export function normalizeText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Normalised text cut into pre-tokenisation chunks (with the prefix space). */
function chunks(text: string): string[] {
  const t = normalizeText(text);
  return t.length === 0 ? [] : ((' ' + t).match(CHUNK) ?? []);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export interface Encoded {
  /** (contextLength) <|sot|> tokens… <|eot|> then <|pad|>. */
  ids: Int32Array;
  /** Non-pad tokens, sot and eot included. */
  length: number;
  /** Index of <|eot|> (= length − 1): the text tower pools here. */
  eotIndex: number;
  /** True if tokens were dropped to fit (eot is always kept as the last token). */
  truncated: boolean;
}

export interface EncodedBatch {
  /** (M, contextLength) */
  ids: Int32Array;
  /** (M) index of <|eot|> per row. */
  eot: Int32Array;
  /** (M) non-pad tokens per row. */
  lengths: Int32Array;
  /** How many rows were truncated. */
  truncated: number;
}

/** Stable checkpoint format. */
export interface BpeJSON {
  type: 'bpe-bytes';
  version: 1;
  normalization: 'lowercase+collapse-whitespace+prefix-space';
  specials: { '<|pad|>': number; '<|sot|>': number; '<|eot|>': number };
  /** Id of byte 0 (bytes are byteOffset … byteOffset + 255). */
  byteOffset: number;
  vocabSize: number;
  /** merges[k] = [left id, right id] → id byteOffset + 256 + k. */
  merges: [number, number][];
}

export interface BpeTrainOptions {
  /** Upper bound on the vocabulary, specials and bytes included (default 512, minimum 259). */
  vocabSize?: number;
  /** Stop when the best pair occurs fewer times than this (default 2). */
  minFrequency?: number;
}

export class BpeTokenizer {
  readonly merges: readonly (readonly [number, number])[];
  private readonly rank = new Map<number, number>();
  private readonly bytesOf: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  constructor(merges: readonly (readonly [number, number])[]) {
    this.merges = merges.map(([a, b]) => [a, b] as const);
    for (let i = 0; i < BYTE_OFFSET; i++) this.bytesOf.push(new Uint8Array(0));
    for (let b = 0; b < 256; b++) this.bytesOf.push(Uint8Array.of(b));
    this.merges.forEach(([a, b], k) => {
      const id = FIRST_MERGE_ID + k;
      if (!(a >= BYTE_OFFSET && a < id && b >= BYTE_OFFSET && b < id)) throw new Error(`bad merge ${k}: [${a}, ${b}]`);
      this.rank.set(a * KEY + b, k);
      const ba = this.bytesOf[a];
      const bb = this.bytesOf[b];
      const m = new Uint8Array(ba.length + bb.length);
      m.set(ba);
      m.set(bb, ba.length);
      this.bytesOf.push(m);
    });
  }

  get vocabSize(): number {
    return FIRST_MERGE_ID + this.merges.length;
  }

  static train(corpus: Iterable<string>, opts: BpeTrainOptions = {}): BpeTokenizer {
    return new BpeTokenizer(trainMerges(corpus, opts));
  }

  /** Token ids of the text, no specials. */
  encodeIds(text: string): number[] {
    const out: number[] = [];
    for (const c of chunks(text)) {
      let ids = this.cache.get(c);
      if (!ids) {
        ids = this.bpe(c);
        if (this.cache.size > 100_000) this.cache.clear();
        this.cache.set(c, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** BPE of one chunk: repeatedly merge the adjacent pair of lowest rank (all its occurrences, left to right). */
  private bpe(chunk: string): number[] {
    let ids = Array.from(utf8.encode(chunk), (b) => b + BYTE_OFFSET);
    while (ids.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let j = 0; j + 1 < ids.length; j++) {
        const r = this.rank.get(ids[j] * KEY + ids[j + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = j;
        }
      }
      if (best < 0) break;
      ids = mergePair(ids, ids[best], ids[best + 1], FIRST_MERGE_ID + bestRank);
    }
    return ids;
  }

  /** <|sot|> tokens <|eot|> padded to contextLength; tokens beyond contextLength − 2 are dropped. */
  encode(text: string, contextLength: number): Encoded {
    if (!(contextLength >= 2)) throw new Error(`contextLength must be ≥ 2, got ${contextLength}`);
    const body = this.encodeIds(text);
    const ids = new Int32Array(contextLength); // PAD_ID = 0
    const n = Math.min(body.length, contextLength - 2);
    ids[0] = SOT_ID;
    for (let j = 0; j < n; j++) ids[1 + j] = body[j];
    ids[n + 1] = EOT_ID;
    return { ids, length: n + 2, eotIndex: n + 1, truncated: body.length > n };
  }

  /** Encode many texts into one (M, contextLength) array. */
  encodeBatch(texts: readonly string[], contextLength: number): EncodedBatch {
    const m = texts.length;
    const ids = new Int32Array(m * contextLength);
    const eot = new Int32Array(m);
    const lengths = new Int32Array(m);
    let truncated = 0;
    texts.forEach((t, i) => {
      const e = this.encode(t, contextLength);
      ids.set(e.ids, i * contextLength);
      eot[i] = e.eotIndex;
      lengths[i] = e.length;
      if (e.truncated) truncated++;
    });
    return { ids, eot, lengths, truncated };
  }

  /** Text of the ids; special tokens are skipped, the prefix space removed. */
  decode(ids: ArrayLike<number>): string {
    const parts: Uint8Array[] = [];
    let len = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < BYTE_OFFSET) continue;
      const b = this.bytesOf[id];
      if (!b) throw new Error(`token id ${id} out of range (vocab ${this.vocabSize})`);
      parts.push(b);
      len += b.length;
    }
    const all = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    const s = utf8Decoder.decode(all);
    return s.startsWith(' ') ? s.slice(1) : s;
  }

  /** One display string per id (specials by name; a token ending mid-character shows U+FFFD). */
  tokens(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => (id < BYTE_OFFSET ? SPECIAL_TOKENS[id] : utf8Decoder.decode(this.bytesOf[id])));
  }

  toJSON(): BpeJSON {
    return {
      type: 'bpe-bytes',
      version: 1,
      normalization: 'lowercase+collapse-whitespace+prefix-space',
      specials: { '<|pad|>': PAD_ID, '<|sot|>': SOT_ID, '<|eot|>': EOT_ID },
      byteOffset: BYTE_OFFSET,
      vocabSize: this.vocabSize,
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }

  static fromJSON(j: BpeJSON): BpeTokenizer {
    if (j?.type !== 'bpe-bytes' || j.version !== 1) throw new Error('not a bpe-bytes v1 tokenizer');
    const s = j.specials;
    if (s['<|pad|>'] !== PAD_ID || s['<|sot|>'] !== SOT_ID || s['<|eot|>'] !== EOT_ID || j.byteOffset !== BYTE_OFFSET) {
      throw new Error('unsupported special-token / byte layout');
    }
    const t = new BpeTokenizer(j.merges);
    if (t.vocabSize !== j.vocabSize) throw new Error(`vocabSize ${j.vocabSize} ≠ ${t.vocabSize} from merges`);
    return t;
  }
}

/** Replace every non-overlapping (a, b), left to right, by id. */
function mergePair(seq: readonly number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < seq.length; j++) {
    if (j + 1 < seq.length && seq[j] === a && seq[j + 1] === b) {
      out.push(id);
      j++;
    } else out.push(seq[j]);
  }
  return out;
}

/** Max-heap of (count, key), most frequent first, ties to the smaller key. Stale entries are skipped by the caller. */
class PairHeap {
  private c: number[] = [];
  private k: number[] = [];
  get size(): number {
    return this.c.length;
  }
  private above(i: number, j: number): boolean {
    return this.c[i] > this.c[j] || (this.c[i] === this.c[j] && this.k[i] < this.k[j]);
  }
  private swap(i: number, j: number): void {
    [this.c[i], this.c[j]] = [this.c[j], this.c[i]];
    [this.k[i], this.k[j]] = [this.k[j], this.k[i]];
  }
  push(count: number, key: number): void {
    this.c.push(count);
    this.k.push(key);
    let i = this.c.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.c[0], this.k[0]];
    const lastC = this.c.pop()!;
    const lastK = this.k.pop()!;
    if (this.c.length > 0) {
      this.c[0] = lastC;
      this.k[0] = lastK;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.c.length && this.above(l, m)) m = l;
        if (r < this.c.length && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

function trainMerges(corpus: Iterable<string>, opts: BpeTrainOptions): [number, number][] {
  const vocabSize = opts.vocabSize ?? 512;
  const minFrequency = Math.max(1, opts.minFrequency ?? 2);
  if (vocabSize < FIRST_MERGE_ID) throw new Error(`vocabSize must be ≥ ${FIRST_MERGE_ID}, got ${vocabSize}`);
  if (vocabSize > KEY) throw new Error(`vocabSize must be ≤ ${KEY}`);

  // Word-frequency dedup: BPE works on unique chunks weighted by count.
  const wordCount = new Map<string, number>();
  for (const text of corpus) for (const c of chunks(text)) wordCount.set(c, (wordCount.get(c) ?? 0) + 1);
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, f] of wordCount) {
    words.push(Array.from(utf8.encode(w), (b) => b + BYTE_OFFSET));
    freq.push(f);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addWord = (key: number, w: number) => {
    let s = pairWords.get(key);
    if (!s) pairWords.set(key, (s = new Set()));
    s.add(w);
  };
  words.forEach((seq, w) => {
    for (let j = 0; j + 1 < seq.length; j++) {
      const key = seq[j] * KEY + seq[j + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + freq[w]);
      addWord(key, w);
    }
  });
  const heap = new PairHeap();
  for (const [key, c] of pairCount) heap.push(c, key);

  const merges: [number, number][] = [];
  while (FIRST_MERGE_ID + merges.length < vocabSize) {
    let best = -1;
    while (heap.size > 0) {
      const [c, key] = heap.pop();
      if (pairCount.get(key) === c) {
        if (c >= minFrequency) best = key;
        break;
      }
    }
    if (best < 0) break;
    const a = Math.floor(best / KEY);
    const b = best - a * KEY;
    const id = FIRST_MERGE_ID + merges.length;
    merges.push([a, b]);

    // Net change of every pair count over the words that contain (a, b).
    const delta = new Map<number, number>();
    const bump = (key: number, d: number) => delta.set(key, (delta.get(key) ?? 0) + d);
    for (const w of pairWords.get(best) ?? []) {
      const seq = words[w];
      const f = freq[w];
      const merged = mergePair(seq, a, b, id);
      if (merged.length === seq.length) continue; // stale membership: pair no longer in this word
      for (let j = 0; j + 1 < seq.length; j++) bump(seq[j] * KEY + seq[j + 1], -f);
      for (let j = 0; j + 1 < merged.length; j++) {
        const key = merged[j] * KEY + merged[j + 1];
        bump(key, f);
        addWord(key, w);
      }
      words[w] = merged;
    }
    for (const [key, d] of delta) {
      if (d === 0) continue;
      const c = (pairCount.get(key) ?? 0) + d;
      if (c > 0) {
        pairCount.set(key, c);
        heap.push(c, key);
      } else {
        pairCount.delete(key);
        pairWords.delete(key);
      }
    }
    pairCount.delete(best);
    pairWords.delete(best);
  }
  return merges;
}
