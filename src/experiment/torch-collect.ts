// The PyTorch engine's output → the browser's RunResultJson: the loss curve from the twin's metrics.jsonl, and
// every validation metric computed HERE from the twin's embeddings (eval-<step>.safetensors) with the same
// function as the WebGPU engine (metricsFromEmbeddings), so the two engines cannot differ in definitions.
// Pure: the caller reads the files (scripts/experiment.mjs in Node).
import type { ClipConfig } from '../model/config';
import { buildLayout, paramCounts } from '../model/params';
import { type EvalMetrics, type ValData, metricsFromEmbeddings } from '../train/evaluate';
import { type StTensor, decodeSafetensors } from '../train/safetensors';
import type { RunResultJson } from './spec';
import type { TorchRunPlan } from './torch-data';

export interface TorchRunFiles {
  /** metrics.jsonl: one StepRecord-like object per line. */
  metrics: string;
  /** eval-<step>.safetensors files: tensors img (Ni, D), txt (Nc, D), prompts (P, D)?; metadata step, logitScale
   *  (exp of the parameter), logitScaleParam, logitBias (SigLIP). */
  evals: Uint8Array[];
  /** run.json (wallSeconds, device, world), absent when the run failed early. */
  runJson?: string;
}

const f32 = (t: StTensor | undefined, name: string): Float32Array => {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`eval file: tensor ${name} missing or not F32`);
  return t.data;
};

/** Metrics of one eval-<step>.safetensors of a run with this config. */
export function evalFromFile(bytes: Uint8Array, val: ValData, cfg: ClipConfig, batchSize: number): EvalMetrics {
  const D = cfg.embedDim;
  const { tensors, metadata } = decodeSafetensors(bytes);
  const img = f32(tensors.get('img'), 'img');
  const txt = f32(tensors.get('txt'), 'txt');
  if (img.length !== val.Ni * D || txt.length !== val.captions.N * D) throw new Error(`eval file: img/txt sizes ${img.length}/${txt.length} do not match ${val.Ni}/${val.captions.N} × ${D}`);
  const p = tensors.get('prompts');
  return metricsFromEmbeddings(val, { img, txt, prompts: p ? f32(p, 'prompts') : undefined }, D, {
    step: Number(metadata.step),
    batchSize,
    logitScale: Number(metadata.logitScale),
    loss: { kind: cfg.loss, t: Number(metadata.logitScaleParam), b: Number(metadata.logitBias ?? 0) },
  });
}

export function collectTorchRun(run: TorchRunPlan, val: ValData, files: TorchRunFiles): RunResultJson {
  const curve = files.metrics
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { step: number; loss: number; gradNorm: number | null; logitScale: number; lr: number })
    .map((r) => ({ step: r.step, loss: r.loss, gradNorm: r.gradNorm ?? Number.NaN, logitScale: r.logitScale, lr: r.lr }));
  const evals = files.evals.map((b) => evalFromFile(b, val, run.config, run.hyper.batchSize)).sort((a, b) => a.step - b.step);
  const info = files.runJson ? (JSON.parse(files.runJson) as { wallSeconds?: number; status?: string; message?: string }) : {};
  const final = evals.length && evals[evals.length - 1].step === run.hyper.steps ? evals[evals.length - 1] : null;
  return {
    id: run.id,
    preset: run.preset,
    seed: run.seed,
    params: paramCounts(buildLayout(run.config)),
    curve,
    evals, // as the worker posts them: every evaluation, the final one included
    final,
    wallMs: (info.wallSeconds ?? 0) * 1000,
    status: final ? 'done' : 'error',
    message: final ? undefined : (info.message ?? 'the PyTorch run did not reach its last step (no final evaluation)'),
  };
}
