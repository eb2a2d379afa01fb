// Export bundle → files → loader round trip, the sidecar and .onnx validation errors, the shared
// initializers, ORT placement-log parsing and the parity procedure (wasm in Node; WebGPU must fail
// loudly here, never silently run on wasm).
import { zipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { initialValues } from '../gpu/arena';
import { BpeTokenizer } from '../data/tokenizer';
import type { ClipConfig } from '../model/config';
import { buildLayout } from '../model/params';
import { encodeImageRef, encodeTextRef } from '../model/reference';
import { presetConfig } from '../model/registry';
import { type ExportBundle, exportEncoders } from './bundle';
import { GraphBuilder, f } from './graph';
import { buildImageEncoder } from './image-encoder';
import { inspectOnnx } from './inspect';
import { type NamedBytes, loadExport } from './load';
import { checkParity, maxAbsDiff } from './parity';
import { parsePlacement } from './session';
import { OnnxImportError, parseSidecar } from './sidecar';
import { buildTextEncoder } from './text-encoder';
import { weightsFromFlat } from './weights';

ort.env.logLevel = 'error';

const tok = BpeTokenizer.train(['a small red circle', 'a large blue square', 'a red square left of a blue circle'], { vocabSize: 300 });
const SMALL = { vision: { width: 16, heads: 2, depth: 2 }, text: { width: 16, heads: 2, depth: 2, contextLength: 8, vocabSize: tok.vocabSize }, embedDim: 8 };

function model(preset: string, seed = 1, over: object = SMALL) {
  const cfg: ClipConfig = presetConfig(preset, over);
  const layout = buildLayout(cfg);
  const rng = new Rng(seed);
  const params = initialValues(layout, () => rng.normal(), () => rng.next());
  for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
  return { cfg, layout, params, w: weightsFromFlat(cfg, params) };
}

async function bundle(preset = 'shared-all', seed = 1, over: object = SMALL): Promise<ExportBundle> {
  const { w } = model(preset, seed, over);
  return exportEncoders(w, { base: `run 0 · ${preset}`, tokenizer: tok.toJSON(), normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } });
}

const files = (b: ExportBundle, sidecar = JSON.stringify(b.sidecar)): NamedBytes[] => [
  { name: b.names.image, bytes: b.image },
  { name: b.names.text, bytes: b.text },
  { name: b.names.sidecar, bytes: new TextEncoder().encode(sidecar) },
];

const rejects = async (p: Promise<unknown>, re: RegExp) => {
  const e = await p.then(
    () => null,
    (x) => x,
  );
  expect(e).toBeInstanceOf(OnnxImportError);
  expect(String(e.message)).toMatch(re);
};

describe('export bundle and loader', () => {
  it('writes both graphs and a sidecar that load back (files or the zip)', async () => {
    const b = await bundle();
    expect(b.names).toEqual({ image: 'run-0-shared-all.image.onnx', text: 'run-0-shared-all.text.onnx', sidecar: 'run-0-shared-all.onnx.json' });
    const side = parseSidecar(JSON.stringify(b.sidecar));
    expect(side.text.inputs.map((v) => `${v.name}:${v.dtype}:${v.shape}`)).toEqual(['input_ids:int64:batch,8', 'attention_mask:int64:batch,8']);
    expect(side.image.inputs[0].shape).toEqual(['batch', 3, 32, 32]);
    expect(side.image.outputs[0]).toEqual({ name: 'image_embeds', dtype: 'float32', shape: ['batch', 8] });
    expect(side.batchNorm).toBe('none');
    const loaded = await loadExport(files(b));
    expect(loaded.image?.summary.opset).toBe(17);
    expect(loaded.text?.summary.opTypes).toContain('LayerNormalization');
    expect(loaded.text?.summary.opTypes).toContain('GatherElements');
    const zip = zipSync({ [b.names.image]: b.image, [b.names.text]: b.text, [b.names.sidecar]: new TextEncoder().encode(JSON.stringify(b.sidecar)) });
    const z = await loadExport([{ name: 'export.zip', bytes: zip }]);
    expect(z.image?.bytes.length).toBe(b.image.length);
    // A text-only load (teacher mode) needs only the text encoder.
    expect((await loadExport([files(b)[1], files(b)[2]], ['text'])).text).toBeDefined();
  });

  it('shared tensors are one initializer under their canonical name in each graph', async () => {
    const { w, layout } = model('shared-except-ln');
    const img = buildImageEncoder(w);
    const txt = buildTextEncoder(w);
    const sharedQkv = layout.get('vision.blocks.1.attn.qkv.w').name;
    expect(sharedQkv).toBe('shared.blocks.1.attn.qkv.w');
    for (const g of [img, txt]) {
      expect(g.initializers.filter((n) => n === sharedQkv)).toHaveLength(1);
      expect(g.initializers.some((n) => n.endsWith('blocks.1.attn.qkv.w') && n !== sharedQkv)).toBe(false);
    }
    expect(img.initializers).toContain('vision.blocks.1.ln1.g'); // LayerNorms stay per tower
    expect(txt.initializers).toContain('text.blocks.1.ln1.g');
    expect(img.initializers.some((n) => n.startsWith('text.'))).toBe(false);
    expect(txt.initializers.some((n) => n.startsWith('vision.'))).toBe(false);
    // Every distinct arena tensor a tower reads is stored once: no duplicate initializer names.
    for (const g of [img, txt]) expect(new Set(g.initializers).size).toBe(g.initializers.length);
  });

  it('malformed .onnx files give a clear error', async () => {
    const b = await bundle();
    const [image, text, side] = files(b);
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 255);
    await rejects(loadExport([{ name: 'x.image.onnx', bytes: garbage }, text, side]), /x\.image\.onnx: not an ONNX model/);
    await rejects(loadExport([{ name: 'empty.onnx', bytes: new Uint8Array(0) }, text, side]), /empty\.onnx: the file is empty/);
    await rejects(loadExport([{ name: 'cut.onnx', bytes: b.image.subarray(0, 1000) }, text, side]), /cut\.onnx: not an ONNX model/);
    await rejects(loadExport([text, side]), /image encoder .* is missing/);
    await rejects(loadExport([image, text]), /no sidecar/);
    await rejects(loadExport([text, text, side]), /two text encoders/);
    await rejects(loadExport([{ name: 'bad.zip', bytes: Uint8Array.of(0x50, 0x4b, 3, 4, 9, 9, 9) }]), /bad\.zip: not a readable zip/);
    // Wrong-runtime check: ORT itself also refuses the garbage (the loader catches it first).
    await expect(ort.InferenceSession.create(garbage)).rejects.toThrow();
  });

  it('a wrong or broken sidecar gives a clear error', async () => {
    const b = await bundle();
    const other = await bundle('shared-all', 2); // same shapes, other weights
    const [image, text] = files(b);
    const side = (s: string) => ({ name: 's.onnx.json', bytes: new TextEncoder().encode(s) });
    await rejects(loadExport([image, text, side('{ not json')]), /sidecar: not valid JSON/);
    await rejects(loadExport([image, text, side('{"format":"other"}')]), /format must be "sharelab-onnx\/1"/);
    const noTok = { ...b.sidecar, text: { ...b.sidecar.text, tokenizer: { type: 'x' } } };
    await rejects(loadExport([image, text, side(JSON.stringify(noTok))]), /text\.tokenizer is not usable/);
    const noNorm = { ...b.sidecar, image: { ...b.sidecar.image, normalization: { mean: [0, 0], std: [1, 1, 1] } } };
    await rejects(loadExport([image, text, side(JSON.stringify(noNorm))]), /image\.normalization needs mean and std/);
    await rejects(loadExport([image, text, side(JSON.stringify(other.sidecar))]), /SHA-256 .* another export/);
    // A sidecar of a model with another context length: the model's input shape disagrees.
    const longer = await bundle('shared-all', 1, { ...SMALL, text: { ...SMALL.text, contextLength: 10 } });
    await rejects(loadExport([image, text, side(JSON.stringify(longer.sidecar))]), /input is pixel_values float32 \[batch, 3, 32, 32\]|input_ids int64 \[batch, 8\], the sidecar says input_ids int64 \[batch, 10\]/);
  });

  it('the graph builder types attributes and deduplicates constants', () => {
    const g = new GraphBuilder('t');
    expect(() => g.op('LayerNormalization', ['x'], { epsilon: 1e-5 })).toThrow(/wrap floats with f\(\)/);
    g.op('LayerNormalization', ['x', 'g', 'b'], { epsilon: f(1e-5), axis: -1 });
    expect(g.nodes[0].attribute?.map((a) => [a.name, a.type])).toEqual([
      ['epsilon', 1],
      ['axis', 2],
    ]);
    expect(g.ints([1, 2])).toBe(g.ints([1, 2]));
    expect(g.scalar(0.5)).not.toBe(g.ints([1, 2]));
    g.weight('w', [2], Float32Array.of(1, 2));
    expect(() => g.weight('w', [3], Float32Array.of(1, 2, 3))).toThrow(/shape/);
    expect(() => g.weight('v', [3], Float32Array.of(1, 2))).toThrow(/2 values for shape \[3\]/);
  });

  it('reads ORT node placements from its verbose log', () => {
    const V = '[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]';
    expect(parsePlacement([`2026 ${V}  All nodes placed on [CPUExecutionProvider]. Number of nodes: 12`])).toEqual({ byProvider: { CPUExecutionProvider: 12 }, cpuOps: [] });
    const p = parsePlacement([
      `${V} Node placements`,
      `${V}  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 90`,
      `${V}   MatMul (m1)`,
      `${V}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2`,
      `${V}   Shape (batch_3)`,
      `${V}   Concat (cls.shape_4)`,
    ]);
    expect(p).toEqual({ byProvider: { WebGpuExecutionProvider: 90, CPUExecutionProvider: 2 }, cpuOps: ['Concat', 'Shape'] });
    expect(parsePlacement(['unrelated'])).toBeNull();
  });

  it('parity: wasm matches the reference; WebGPU reports why it cannot run in Node instead of falling back', async () => {
    const { cfg, layout, params, w } = model('shared-attn', 5);
    const b = await exportEncoders(w, { base: 'p', tokenizer: tok.toJSON(), normalization: { mean: [0, 0, 0], std: [1, 1, 1] } });
    const get = (name: string) => {
      const v = layout.get(name);
      return Float64Array.from(params.subarray(v.offset, v.offset + v.size));
    };
    const n = 3;
    const S = cfg.vision.imageSize;
    const T = cfg.text.contextLength;
    const rng = new Rng(9);
    const images = Float32Array.from({ length: n * 3 * S * S }, () => rng.normal());
    const enc = tok.encodeBatch(['a small red circle', 'a large blue square left of a red circle and more words', 'red'], T);
    const refImage = Float32Array.from(encodeImageRef(cfg, get, images, n));
    const refText = Float32Array.from(encodeTextRef(cfg, get, { images, ids: enc.ids, eot: enc.eot, lengths: enc.lengths, B: n }));
    const report = await checkParity(ort, b.image, b.text, { images, S, ids: enc.ids, lengths: enc.lengths, T, n, refImage, refText });
    const [wasm, webgpu] = report.eps;
    expect(wasm.ran).toBe('wasm');
    expect(wasm.image?.maxAbs).toBeLessThan(1e-5);
    expect(wasm.text?.maxAbs).toBeLessThan(1e-5);
    expect(webgpu.requested).toBe('webgpu');
    expect(webgpu.ran).toBeNull();
    expect(webgpu.error).toBeTruthy();
    expect(report.pass).toBe(true);
    // A wrong reference fails the check.
    const off = refText.slice();
    off[0] += 1e-3;
    const bad = await checkParity(ort, b.image, b.text, { images, S, ids: enc.ids, lengths: enc.lengths, T, n, refImage, refText: off }, ['wasm']);
    expect(bad.pass).toBe(false);
    expect(maxAbsDiff([1, Number.NaN], [1, 1])).toBeNaN();
  });

  it('inspectOnnx lists real inputs, outputs and the opset', async () => {
    const b = await bundle('ms-clip', 3, { ...SMALL, vision: { ...SMALL.vision, depth: 4 }, text: { ...SMALL.text, depth: 4 } });
    const s = inspectOnnx(b.image);
    expect(s.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 32, 32] }]);
    expect(s.opTypes).toEqual(expect.arrayContaining(['Conv', 'BatchNormalization', 'Relu', 'LayerNormalization']));
    expect(b.sidecar.batchNorm).toBe('initial');
  });
});
