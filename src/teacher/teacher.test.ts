// Teacher loading in Node: an ONNX text encoder exported by our own export, run by onnxruntime-web (wasm)
// over a dataset's captions in row order, equals the float64 text-tower reference; the worker-side loader
// classifies files, checks row counts and refuses malformed input with the file's name; the batcher
// exposes each item's caption row.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../data/batcher';
import type { ImageCaptionSet } from '../data/prepare';
import { BpeTokenizer } from '../data/tokenizer';
import { Rng } from '../util/rng';
import { exportEncoders } from '../export/bundle';
import { maxAbsDiff } from '../export/parity';
import { weightsFromFlat } from '../export/weights';
import { initialValues } from '../gpu/arena';
import { buildLayout } from '../model/params';
import { encodeTextRef } from '../model/reference';
import { presetConfig } from '../model/registry';
import { tableByKey } from '../train/teacher-tables';
import { loadOnnxTeacher, onnxTeacherTable, teacherSession } from './onnx-teacher';
import { captionOffsets, captionsInOrder } from '../data/caption-order';
import { writeNpy } from './parse';
import { loadTeacher, teacherKind } from '../worker/teacher';

ort.env.logLevel = 'error';

const captions = [['a small red circle', 'red circle'], ['a large blue square'], ['a green triangle left of a red circle', 'green triangle'], ['a blue circle']];
const tok = BpeTokenizer.train(captions.flat(), { vocabSize: 300 });
const T = 10;

/** A dataset view with just what the teacher loader reads (captions). */
const set = { name: 't', images: new Float32Array(4 * 3), size: 1, captions, trainIndex: [0, 1, 2], valIndex: [3], thumbnail: () => new Uint8ClampedArray(4) } as ImageCaptionSet;

async function exportText() {
  const cfg = presetConfig('separate', { vision: { width: 8, heads: 2, depth: 1, imageSize: 8, patchSize: 4 }, text: { width: 16, heads: 2, depth: 2, contextLength: T, vocabSize: tok.vocabSize }, embedDim: 12 });
  const layout = buildLayout(cfg);
  const rng = new Rng(5);
  const params = initialValues(layout, () => rng.normal(), () => rng.next());
  for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
  const b = await exportEncoders(weightsFromFlat(cfg, params), { base: 'teach', tokenizer: tok.toJSON(), normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } });
  const get = (name: string) => {
    const v = layout.get(name);
    return Float64Array.from(params.subarray(v.offset, v.offset + v.size));
  };
  const sidecar = { name: b.names.sidecar, bytes: new TextEncoder().encode(JSON.stringify(b.sidecar)) };
  return { cfg, b, get, sidecar, text: { name: b.names.text, bytes: b.text }, image: { name: b.names.image, bytes: b.image } };
}

describe('ONNX text encoder as a frozen teacher (onnxruntime-web wasm, Node)', () => {
  it('embeds every caption in row order exactly like the text tower (float64 reference)', async () => {
    const { cfg, get, sidecar, text } = await exportText();
    // The text encoder and the sidecar alone are enough (no image encoder).
    const teacher = await loadOnnxTeacher([text, sidecar]);
    expect(teacher.file).toBe(text.name);
    const s = await teacherSession(ort, teacher, 'wasm');
    const rows = captionsInOrder(captions);
    const t = await onnxTeacherTable(ort, teacher, s, rows);
    expect([t.rows, t.dim]).toEqual([6, 12]);
    const e = tok.encodeBatch(rows, T);
    const ref = encodeTextRef(cfg, get, { images: [], ids: e.ids, eot: e.eot, lengths: e.lengths, B: 6 });
    expect(maxAbsDiff(t.data, ref)).toBeLessThan(1e-5);
    await s.session.release();
  });

  it('refuses a garbage .onnx, a missing sidecar and a sidecar of another export', async () => {
    const { sidecar, text } = await exportText();
    const garbage = { name: 'broken.text.onnx', bytes: Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255) };
    await expect(loadOnnxTeacher([garbage, sidecar])).rejects.toThrow(/broken\.text\.onnx: not an ONNX model/);
    await expect(loadOnnxTeacher([text])).rejects.toThrow(/no sidecar/);
    const other = await exportText();
    const side = JSON.parse(new TextDecoder().decode(other.sidecar.bytes));
    side.text.sha256 = 'f'.repeat(64);
    await expect(loadOnnxTeacher([text, { name: 'x.onnx.json', bytes: new TextEncoder().encode(JSON.stringify(side)) }])).rejects.toThrow(/SHA-256/);
  });
});

describe('teacher files in the worker-side loader', () => {
  it('classifies the selection', () => {
    const b = (name: string, bytes = new Uint8Array(8)) => ({ name, bytes });
    expect(teacherKind([b('t.npy')])).toBe('npy');
    expect(teacherKind([b('t.json')])).toBe('json');
    expect(teacherKind([b('m.text.onnx'), b('m.onnx.json')])).toBe('onnx');
    expect(teacherKind([b('export.bin', Uint8Array.of(0x50, 0x4b, 3, 4))])).toBe('onnx');
    expect(() => teacherKind([b('a.npy'), b('b.npy')])).toThrow(/select ONE embeddings file/);
    expect(() => teacherKind([b('m.onnx.json', new TextEncoder().encode('{"format": "sharelab-onnx/1"}'))])).toThrow(/sidecar — select it together with its \.text\.onnx/);
    expect(() => teacherKind([])).toThrow(/no file selected/);
  });

  it('loads a .npy table (normalised, cached by content key) and refuses wrong row counts and NaN rows by name', async () => {
    const rng = new Rng(2);
    const data = Float32Array.from({ length: 6 * 4 }, () => rng.normal());
    const info = await loadTeacher([{ name: 'emb.npy', bytes: writeNpy(data, 6, 4) }], set);
    expect(info).toMatchObject({ file: 'emb.npy', kind: 'npy', rows: 6, dim: 4, cached: 'no' });
    expect(info.key).toMatch(/^[0-9a-f]{64}$/);
    const t = tableByKey(info.key);
    expect(t && Math.hypot(...t.data.subarray(0, 4))).toBeCloseTo(2, 5); // norm √dim
    const again = await loadTeacher([{ name: 'emb.npy', bytes: writeNpy(data, 6, 4) }], set);
    expect(again.cached).toBe('memory');
    expect(again.key).toBe(info.key);
    await expect(loadTeacher([{ name: 'short.npy', bytes: writeNpy(data.subarray(0, 20), 5, 4) }], set)).rejects.toThrow(
      /^short\.npy: 5 rows, but the dataset has 6 captions/,
    );
    const nan = data.slice();
    nan[9] = Number.NaN;
    await expect(loadTeacher([{ name: 'nan.npy', bytes: writeNpy(nan, 6, 4) }], set)).rejects.toThrow(/^nan\.npy: 1 row with NaN or infinite values: row 2$/);
    const json = JSON.stringify([[1, 0], [0, 1], [1, 1], [2, 0], [0, 2], [3, 1]]);
    const j = await loadTeacher([{ name: 'rows.json', bytes: new TextEncoder().encode(json) }], set);
    expect(j).toMatchObject({ kind: 'json', rows: 6, dim: 2 });
    await expect(loadTeacher([{ name: 'g.npy', bytes: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255) }], set)).rejects.toThrow(/^g\.npy: not a NumPy \.npy file/);
  });
});

describe('batcher caption rows', () => {
  it("each item's caption row is its caption's index in the dataset's caption order", () => {
    const tokenizer = { encode: (text: string, n: number) => tok.encode(text, n) };
    const b = new Batcher({ images: new Float32Array(4 * 3), imageShape: [3, 1, 1], captions }, tokenizer, { indices: [3, 2, 0], batchSize: 3, contextLength: T, seed: 1 });
    const flat = captionsInOrder(captions);
    const off = captionOffsets(captions);
    for (let step = 0; step < 4; step++) {
      const x = b.batchAt(step);
      for (let i = 0; i < 3; i++) {
        const row = x.captionRow[i];
        expect(row).toBe(off[x.indices[i]] + x.captionIndex[i]);
        // The row's caption is the one whose tokens the batch carries.
        expect(Array.from(tok.encode(flat[row], T).ids)).toEqual(Array.from(x.ids.subarray(i * T, (i + 1) * T)));
      }
    }
  });
});
