// Reply handling of the training-worker client: each message from the worker (src/worker/protocol.ts)
// becomes a store update; checkpoint bytes the user asked for are downloaded (a .safetensors file, or
// the PyTorch bundle when the request was "Export for PyTorch").
import { zipSync } from 'fflate';
import { pytorchBundle, slug } from '../export/pytorch';
import { downloadBytes } from '../util/download';
import type { FromWorker } from '../worker/protocol';
import { onOnnxExport } from './onnx-receive';
import { attachRestored } from './session';
import { useStore } from './store';
import { onTeacherReply } from './teacher';

const st = () => useStore.getState();
/** The run a retrieval answer belongs to (the worker answers one query at a time). */
let retrievalRun: string | null = null;
export const expectRetrieval = (id: string) => {
  retrievalRun = id;
};

/** One reply of the training worker → store updates (and downloads the user asked for). */
export function onReply(m: FromWorker) {
  const s = st();
  switch (m.type) {
    case 'ready':
      s.setGpu({ kind: 'ready', adapter: m.adapter || 'WebGPU adapter', features: m.features });
      break;
    case 'unsupported':
      s.setGpu({ kind: 'unsupported', reason: m.reason, message: m.message });
      break;
    case 'dataset':
      s.setDatasetInfo(m.info);
      s.patchUploads({ trainError: null });
      attachRestored();
      break;
    case 'status':
      s.patchRun(m.id, { status: m.status, ...(m.params ? { params: m.params } : {}), ...(m.message ? { message: m.message } : {}) });
      if (m.status === 'error' && m.message) s.pushMessage(`${s.runs[m.id]?.label ?? m.id}: ${m.message}`);
      break;
    case 'steps':
      s.appendSteps(m.id, m.records, m.stepsPerSec);
      break;
    case 'eval':
      s.addEval(m.id, m.snapshot);
      break;
    case 'attention':
      s.patchRun(m.id, { attention: m.payload });
      break;
    case 'done':
      s.patchRun(m.id, {
        final: m.final,
        wallMs: m.wallMs,
        ...(m.best ? { best: m.best } : {}),
        ...(m.stoppedEarly ? { stoppedEarly: true } : {}),
        ...(m.note ? { note: m.note } : {}),
        ...(m.kernels !== undefined ? { kernels: m.kernels } : {}),
        ...(m.evalSets ? { evalSets: m.evalSets } : {}),
      });
      break;
    case 'eval-set':
      s.addEvalSetSnapshot(m.id, m.set, m.snapshot);
      break;
    case 'run-note':
      s.patchRun(m.id, { note: m.note });
      break;
    case 'best':
      s.patchRun(m.id, { best: { step: m.step, valLoss: m.valLoss } });
      break;
    case 'kernels':
      s.patchRun(m.id, { ...(m.line !== undefined ? { tuning: m.line } : {}), ...(m.table !== undefined ? { kernels: m.table } : {}) });
      break;
    case 'model-ready':
      s.patchRun(m.id, { model: 'ready' });
      break;
    case 'retrieval':
      if (retrievalRun) s.setRetrieval({ ...m, runId: retrievalRun });
      break;
    case 'zeroshot':
      if (s.zeroShotPending === m.id) s.setZeroShot({ runId: m.id, result: m.result });
      break;
    case 'checkpoint':
      s.patchRun(m.id, { checkpointStep: m.step });
      if (m.message) s.pushMessage(`${s.runs[m.id]?.label ?? m.id}: ${m.message}`);
      if (m.bytes && m.purpose === 'pytorch') {
        try {
          const label = s.runs[m.id]?.label ?? m.id;
          downloadBytes(`${slug(label)}-pytorch.zip`, zipSync(pytorchBundle(label, m.bytes)), 'application/zip');
        } catch (e) {
          s.pushMessage(`Export for PyTorch failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      } else if (m.bytes) downloadBytes(`${m.id}-step${m.step}.safetensors`, m.bytes);
      break;
    case 'dataset-error':
      s.patchUploads({ trainError: m.message });
      s.pushMessage(`dataset: ${m.message}`);
      break;
    case 'checkpoint-pruned':
      s.patchRun(m.id, { checkpointStep: undefined });
      break;
    case 'rewind':
      s.rewindRun(m.id, m.step);
      break;
    case 'onnx-export':
      void onOnnxExport(m);
      break;
    case 'teacher-loaded':
    case 'teacher-captions':
    case 'teacher-frozen':
    case 'teacher-vision-loaded':
      onTeacherReply(m);
      break;
    case 'gpu-problem':
      s.pushMessage(`GPU ${m.problem.kind === 'lost' ? `device lost (${m.problem.reason})` : `${m.problem.errorType} error`}: ${m.problem.message}`);
      break;
    case 'error':
      if (m.id && s.retrievalPending) s.setRetrieval(null);
      if (m.id && s.runs[m.id]?.model === 'attaching') s.patchRun(m.id, { model: undefined }); // the re-attach failed
      if (s.gpu.kind === 'starting' && !m.id) s.setGpu({ kind: 'failed', message: m.message });
      s.pushMessage(m.id ? `${s.runs[m.id]?.label ?? m.id}: ${m.message}` : m.message);
      break;
  }
}
