// Engine parity (scripts/engine-parity.mjs, in `npm test`): the same experiment through --engine browser and
// --engine torch must give the same loss curve for the first steps, the same metrics from the same checkpoint
// (the twin's exported embeddings vs our float64 reference forward of its checkpoint, both through
// metricsFromEmbeddings), and near-equal final metrics (two trainings that differ only in float32 rounding).
import { buildLayout } from '../model/params';
import { encodeImageRef, encodeTextRef } from '../model/reference';
import { readCheckpoint } from '../train/checkpoint';
import { type EvalMetrics, type EvalPoint, type ValData, type ValEmbeddings, metricsFromEmbeddings } from '../train/evaluate';
import type { RunResultJson } from './spec';

/** Largest |Δloss| / max(1, |loss|) over the first `steps` steps of each run present in both engines. */
export function curveDifference(a: RunResultJson[], b: RunResultJson[], steps: number): { run: string; step: number; a: number; b: number; rel: number }[] {
  const out: { run: string; step: number; a: number; b: number; rel: number }[] = [];
  for (const ra of a) {
    const rb = b.find((r) => r.id === ra.id);
    if (!rb) throw new Error(`run ${ra.id} is missing from the second engine`);
    for (let s = 1; s <= steps; s++) {
      const x = ra.curve.find((c) => c.step === s);
      const y = rb.curve.find((c) => c.step === s);
      if (!x || !y) throw new Error(`run ${ra.id}: step ${s} missing from ${x ? 'the second' : 'the first'} engine's curve`);
      out.push({ run: ra.id, step: s, a: x.loss, b: y.loss, rel: Math.abs(x.loss - y.loss) / Math.max(1, Math.abs(x.loss)) });
    }
  }
  return out;
}

/** Embeddings of the val split by the float64 reference forward (src/model/reference.ts) of a checkpoint. */
export function referenceEmbeddings(ckpt: Uint8Array, val: ValData): { emb: ValEmbeddings; D: number; step: number; logitScale: number; batchSize: number; loss: EvalPoint['loss'] } {
  const { meta } = readCheckpoint(ckpt);
  const cfg = meta.config;
  const layout = buildLayout(cfg);
  const state = readCheckpoint(ckpt, layout).state;
  if (!state) throw new Error('checkpoint has no parameters');
  const flat = Float64Array.from(state.params);
  const param = (name: string) => {
    const v = layout.get(name);
    return flat.subarray(v.offset, v.offset + v.size);
  };
  const T = cfg.text.contextLength;
  const text = (ids: Int32Array, eot: Int32Array, lengths: Int32Array, N: number) => Float32Array.from(encodeTextRef(cfg, param, { images: [], ids, eot, lengths, B: N }));
  const c = val.captions;
  const z = val.zeroShot;
  if (c.ids.length !== c.N * T) throw new Error(`val captions have context ${c.ids.length / c.N}, the checkpoint ${T}`);
  return {
    emb: {
      img: Float32Array.from(encodeImageRef(cfg, param, val.images, val.Ni)),
      txt: text(c.ids, c.eot, c.lengths, c.N),
      prompts: z ? text(z.prompts.ids, z.prompts.eot, z.prompts.lengths, z.prompts.N) : undefined,
    },
    D: cfg.embedDim,
    step: meta.step,
    logitScale: Math.exp(param('logit_scale')[0]),
    loss: { kind: cfg.loss, t: param('logit_scale')[0], b: cfg.loss === 'siglip' ? param('logit_bias')[0] : 0 },
    batchSize: meta.hyper.batchSize,
  };
}

/** The metrics of a checkpoint computed from our float64 reference forward. */
export function referenceMetrics(ckpt: Uint8Array, val: ValData): EvalMetrics {
  const r = referenceEmbeddings(ckpt, val);
  return metricsFromEmbeddings(val, r.emb, r.D, r);
}

const SCALARS = ['valLoss', 'alignment', 'uniformity', 'uniformityImage', 'uniformityText', 'modalityGap', 'logitScale', 'zeroShot', 'zeroShotHeldOut'] as const;

/** Per metric: |a − b| (recall@k both ways and the scalars); NaN when one side lacks it. */
export function metricDifferences(a: EvalMetrics, b: EvalMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of SCALARS) out[k] = Math.abs((a[k] ?? Number.NaN) - (b[k] ?? Number.NaN));
  for (const dir of ['i2t', 't2i'] as const) for (const k of Object.keys(a[dir])) out[`${dir}@${k}`] = Math.abs(a[dir][Number(k)] - (b[dir][Number(k)] ?? Number.NaN));
  return out;
}
