// TypeScript side of the PyTorch parity tests: for every case in ./cases.ts it writes, from the float64 reference
// (src/model/reference.ts), a checkpoint in our format (createModel's initial weights), the inputs, the embeddings,
// the loss and, per parameter view, the loss's directional derivative along a random direction by central finite
// differences (2 reference forwards per view; the direction is stored). Plus tokenizer vectors (encodings and a
// training run) and the parameter layout. python/tests/test_parity_reference.py compares PyTorch with all of it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../../src/data/builtin/generate';
import { BpeTokenizer, normalizeText } from '../../../src/data/tokenizer';
import { Rng } from '../../../src/util/rng';
import { initialValues } from '../../../src/gpu/arena';
import { tinyInputs } from '../../../src/model/gradcheck';
import { buildLayout, towersOf } from '../../../src/model/params';
import { clipLossRef, encodeImageRef, encodeTextRef, lossRef } from '../../../src/model/reference';
import { readCheckpoint, writeCheckpoint } from '../../../src/train/checkpoint';
import { DEFAULT_HYPER } from '../../../src/train/hyper';
import { type StTensor, encodeSafetensors } from '../../../src/train/safetensors';
import { caseDir, parityCases } from './cases';

const OUT = process.env.TORCH_FIXTURES ?? 'python/tests/.fixtures/ref';
/** Central-difference step along a direction with N(0, 1) entries. */
const H = 1e-6;

const TRICKY = [
  '  A  Red\tCIRCLE\n\u00a0left ',
  'x\uD800y lone surrogate',
  'İstanbul ΣΟΦΟΣ σοφος',
  'naïve café — 3.14 ½ ⅷ ٣ x²',
  '🎉🎉 emoji zwj 👩‍👩‍👧 ok',
  '中文字符测试 日本語のテキスト',
  'tab\there\u2028line\u3000ideo\ufeffbom\u0085nel',
  'a'.repeat(40),
  'numbers 12345 and x2y3 4th',
  "punct!!! ?? ... 'quotes' \"dq\" (paren) [br]",
  'e\u0301 combining ǅ titlecase ß ẞ',
  'under_score-dash/slash\\back',
  '',
  '   ',
  'a small red circle left of a blue square',
];

describe('torch parity fixtures', () => {
  mkdirSync(OUT, { recursive: true });

  it('tokenizer: encodings and a training run', () => {
    const corpus = [...generateBuiltin({ seed: 0, count: 400, valCount: 0, heldOutCount: 0 }).captions.flat(), ...TRICKY, ...TRICKY];
    const tok = BpeTokenizer.train(corpus, { vocabSize: 420 });
    const texts = [...TRICKY, ...corpus.slice(0, 40)];
    const vectors = texts.map((text) => {
      const e16 = tok.encode(text, 16);
      const body = tok.encodeIds(text);
      return {
        text,
        normalized: normalizeText(text),
        body,
        ids16: Array.from(e16.ids),
        length16: e16.length,
        eot16: e16.eotIndex,
        truncated16: e16.truncated,
        decoded: tok.decode(body),
      };
    });
    writeFileSync(join(OUT, 'tokenizer.json'), JSON.stringify(tok.toJSON()));
    writeFileSync(join(OUT, 'tokenizer-vectors.json'), JSON.stringify({ corpus, vocabSize: 420, merges: tok.toJSON().merges, vectors }));
    expect(tok.vocabSize).toBeGreaterThan(300);
  });

  const tokJson = () => BpeTokenizer.train(['a small red circle', 'a big blue square'], { vocabSize: 270 }).toJSON();

  // FIXTURE_CASES=a,b (directory names): only those cases (python/tests/fixtures.py ensure_ref(cases)).
  const only = process.env.FIXTURE_CASES?.split(',').filter(Boolean);
  const selected = parityCases().filter((c) => !only || only.includes(caseDir(c.name)));
  if (only) expect(selected.map((c) => caseDir(c.name)).sort(), 'FIXTURE_CASES names cases of cases.ts').toEqual([...only].sort());

  for (const c of selected) {
    it(`${c.name}: checkpoint, inputs, float64 embeddings, loss and directional derivatives`, () => {
      const dir = join(OUT, caseDir(c.name));
      mkdirSync(dir, { recursive: true });
      const layout = buildLayout(c.cfg);
      const rng = new Rng(c.seed).fork(11); // exactly createModel(gpu, cfg, seed)
      const init = initialValues(layout, () => rng.normal(), () => rng.next());
      const zeros = new Float32Array(layout.totalElements);
      const ckpt = writeCheckpoint(layout, { params: init, m: zeros, v: zeros }, { config: c.cfg, tokenizer: tokJson(), step: 0, seed: c.seed, hyper: DEFAULT_HYPER });
      expect(readCheckpoint(ckpt, layout).state?.params).toEqual(init);
      writeFileSync(join(dir, 'ckpt.safetensors'), ckpt);

      const inp = tinyInputs(c.cfg, c.B, c.seed + 1);
      const T = c.cfg.text.contextLength;
      const S = c.cfg.vision.imageSize;
      const inputs = new Map<string, StTensor>([
        ['images', { shape: [c.B, 3, S, S], data: Float32Array.from(inp.images) }],
        ['ids', { shape: [c.B, T], data: Int32Array.from(inp.ids) }],
        ['eot', { shape: [c.B], data: Int32Array.from(inp.eot) }],
        ['lengths', { shape: [c.B], data: Int32Array.from(inp.lengths) }],
      ]);
      writeFileSync(join(dir, 'inputs.safetensors'), encodeSafetensors(inputs));

      const flat = Float64Array.from(init);
      const param = (name: string) => {
        const v = layout.get(name);
        return flat.subarray(v.offset, v.offset + v.size);
      };
      const base = clipLossRef(c.cfg, param, inp);
      expect(Number.isFinite(base.loss)).toBe(true);

      // One random direction per view; dd = (L(θ + h·u) − L(θ − h·u)) / 2h.
      const dirs = new Map<string, StTensor>();
      const dd: Record<string, number> = {};
      const drng = new Rng(c.seed + 7);
      for (const v of layout.views) {
        const u = new Float32Array(v.size).map(() => drng.normal());
        dirs.set(v.name, { shape: [...v.shape], data: u });
        // A view only one tower reads leaves the other tower's embeddings as they are: reuse them (bit-identical
        // to recomputing, and half the forwards). A view neither tower claims (logit scale, bias) recomputes both.
        const towers = towersOf(v);
        const both = towers.size === 0;
        const at = (s: number) => {
          for (let i = 0; i < v.size; i++) flat[v.offset + i] = init[v.offset + i] + s * H * u[i];
          const img = both || towers.has('vision') ? encodeImageRef(c.cfg, param, inp.images, c.B) : base.img;
          const txt = both || towers.has('text') ? encodeTextRef(c.cfg, param, inp) : base.txt;
          return lossRef(c.cfg, param, img, txt, c.B);
        };
        dd[v.name] = (at(1) - at(-1)) / (2 * H);
        for (let i = 0; i < v.size; i++) flat[v.offset + i] = init[v.offset + i];
      }
      writeFileSync(join(dir, 'directions.safetensors'), encodeSafetensors(dirs));
      writeFileSync(
        join(dir, 'ref.json'),
        JSON.stringify({
          case: c.name,
          config: c.cfg,
          B: c.B,
          seed: c.seed,
          h: H,
          loss: base.loss,
          img: Array.from(base.img),
          txt: Array.from(base.txt),
          dd,
          layout: layout.views.map((v) => ({ name: v.name, shape: v.shape, decay: v.decay, offset: v.offset, names: v.names })),
        }),
      );
    });
  }

  it('marks the set complete', () => {
    const names = selected.map((c) => caseDir(c.name));
    for (const n of names) expect(existsSync(join(OUT, n, 'ref.json'))).toBe(true);
    writeFileSync(join(OUT, 'done.json'), JSON.stringify({ cases: names, all: !only }));
  });
});
