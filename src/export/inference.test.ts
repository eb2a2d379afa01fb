// Inference-only mode in Node (onnxruntime-web wasm): load an exported pair, embed a small RGBA
// dataset, compare with the float64 reference on the same normalised inputs, and run retrieval.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { initialValues } from '../gpu/arena';
import { BpeTokenizer } from '../data/tokenizer';
import { buildLayout } from '../model/params';
import { encodeImageRef, encodeTextRef } from '../model/reference';
import { presetConfig } from '../model/registry';
import { exportEncoders } from './bundle';
import { captionsForImage, embedDataset, imagesForText, imagesFromRgba, openInferenceModel, releaseModel, tokenizeCaptions } from './inference';
import { loadExport } from './load';
import { maxAbsDiff } from './parity';
import { OnnxImportError } from './sidecar';
import { weightsFromFlat } from './weights';

ort.env.logLevel = 'error';

const captions = [['a small red circle', 'red circle'], ['a large blue square'], ['a green triangle left of a red circle', 'green triangle'], ['a blue circle']];
const tok = BpeTokenizer.train(captions.flat(), { vocabSize: 300 });

describe('inference-only mode', () => {
  it('normalises RGBA like the datasets: (v/255 − mean)/std, NCHW', () => {
    // Two 1×1 images: alpha is ignored, channels go planar.
    const rgba = Uint8ClampedArray.of(255, 0, 51, 255, 0, 255, 102, 7);
    const x = imagesFromRgba(rgba, 2, 1, { mean: [0.5, 0.5, 0.2], std: [0.5, 0.25, 0.1] });
    expect(Array.from(x, (v) => Math.round(v * 1e5) / 1e5)).toEqual([1, -2, 0, -1, 2, 2]);
  });

  it('embeds a dataset with the exported pair and retrieves both ways', async () => {
    const cfg = presetConfig('shared-mlp', { vision: { width: 16, heads: 2, depth: 2, imageSize: 16, patchSize: 4 }, text: { width: 16, heads: 2, depth: 2, contextLength: 10, vocabSize: tok.vocabSize }, embedDim: 8 });
    const layout = buildLayout(cfg);
    const rng = new Rng(4);
    const params = initialValues(layout, () => rng.normal(), () => rng.next());
    for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
    const norm = { mean: [0.8, 0.7, 0.6] as [number, number, number], std: [0.2, 0.25, 0.3] as [number, number, number] };
    const b = await exportEncoders(weightsFromFlat(cfg, params), { base: 'inf', tokenizer: tok.toJSON(), normalization: norm });
    const pair = await loadExport([
      { name: b.names.image, bytes: b.image },
      { name: b.names.text, bytes: b.text },
      { name: b.names.sidecar, bytes: new TextEncoder().encode(JSON.stringify(b.sidecar)) },
    ]);
    const m = await openInferenceModel(ort, pair, 'wasm');
    const S = 16;
    const N = captions.length;
    const rgba = Uint8ClampedArray.from({ length: N * S * S * 4 }, () => rng.int(256));
    const set = await embedDataset(ort, m, { rgba, S, captions });
    expect(set.Ni).toBe(4);
    expect(set.Nt).toBe(6);
    expect([...set.captionImage]).toEqual([0, 0, 1, 2, 2, 3]);

    const get = (name: string) => {
      const v = layout.get(name);
      return Float64Array.from(params.subarray(v.offset, v.offset + v.size));
    };
    const images = imagesFromRgba(rgba, N, S, norm);
    expect(maxAbsDiff(set.img, encodeImageRef(cfg, get, images, N))).toBeLessThan(1e-5);
    const c = tokenizeCaptions(tok, captions, 10);
    const refTxt = encodeTextRef(cfg, get, { images, ids: c.ids, eot: c.lengths.map((L) => L - 1), lengths: c.lengths, B: 6 });
    expect(maxAbsDiff(set.txt, refTxt)).toBeLessThan(1e-5);

    // Retrieval: recall is a fraction, top-k lists are sorted and the right size.
    expect(set.recall.i2t[10]).toBe(1); // 6 captions: every image's caption is within the top 10
    const hits = await imagesForText(ort, m, set, 'a red circle', 3);
    expect(hits).toHaveLength(3);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score);
    const caps = captionsForImage(set, 2, 4);
    expect(caps.map((x) => x.caption)).toHaveLength(4);
    expect(caps[0].score).toBeGreaterThanOrEqual(caps[3].score);

    await expect(embedDataset(ort, m, { rgba, S: 32, captions })).rejects.toThrow(OnnxImportError);
    await expect(embedDataset(ort, m, { rgba, S: 32, captions })).rejects.toThrow(/takes 16×16 images; the current dataset has 32×32/);
    await releaseModel(m);
  });
});
