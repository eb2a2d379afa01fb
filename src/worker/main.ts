/// <reference lib="webworker" />
// The training worker: owns the GPU device, the dataset and the run queue; the UI thread only sends
// messages (./protocol.ts) and draws what comes back. This file is the dispatch table: one line per
// message, the work lives in the modules beside it (device, dataset, runs, checkpoints, exploration,
// teacher, export).
import { requestCheckpoint, simulateQuota } from './checkpoints';
import { initDataset } from './dataset';
import { loseDevice } from './device';
import { retrieve, zeroShot } from './exploration';
import { exportRun } from './export';
import type { ToWorker } from './protocol';
import { enqueue, pump, setControl, stopRun } from './runs';
import { W, errorText, post, prepOf } from './state';
import { onTeacherRequest } from './teacher';

type Handlers = { [K in ToWorker['type']]: (m: Extract<ToWorker, { type: K }>) => void };

const handlers: Handlers = {
  init: (m) => void initDataset(m.dataset).then(pump),
  enqueue: (m) => enqueue(m.run),
  attach: (m) => enqueue(m.run, true),
  pause: (m) => setControl(m.id, 'pause'),
  resume: (m) => setControl(m.id, 'run'),
  stop: (m) => stopRun(m.id, false),
  delete: (m) => stopRun(m.id, true),
  checkpoint: (m) => requestCheckpoint(m.id, m.download ? 'download' : 'store'),
  'export-pytorch': (m) => requestCheckpoint(m.id, 'pytorch'),
  retrieve: (m) => void retrieve(m.id, m.query, m.set).catch((e) => post({ type: 'error', id: m.id, message: errorText(e) })),
  zeroshot: (m) => zeroShot(m),
  'export-onnx': (m) => {
    const st = W.runs.get(m.id);
    void exportRun(st?.trainer, st?.req, prepOf(st), m, post, W.spec?.kind);
  },
  'teacher-load': (m) => void onTeacherRequest(m, W.set, post),
  'teacher-captions': (m) => void onTeacherRequest(m, W.set, post),
  'teacher-vision': (m) => void onTeacherRequest(m, W.set, post),
  'debug-quota': (m) => simulateQuota(m.bytes),
  'debug-lose-device': () => loseDevice(),
};

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  (handlers[m.type] as (x: ToWorker) => void)(m);
};
