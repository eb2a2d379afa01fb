// Transport of the training-worker client: the worker's lifecycle (one per dataset) and the send
// function every action uses. Replies go to ./replies.ts.
import type { DatasetSpec } from '../data/types';
import type { ToWorker } from '../worker/protocol';
import { onReply } from './replies';
import { useStore } from './store';
import { bindTeacherSender } from './teacher';

let worker: Worker | null = null;

export const send = (m: ToWorker) => worker?.postMessage(m);
bindTeacherSender(send);
const st = () => useStore.getState();

/** (Re)start the worker on a dataset. Runs still queued or running in the old worker end as stopped. */
export function startWorker(dataset: DatasetSpec) {
  const s = st();
  if (worker) {
    worker.terminate();
    for (const id of s.order) {
      const r = s.runs[id];
      if (r.status === 'queued' || r.status === 'running' || r.status === 'paused') s.patchRun(id, { status: 'stopped', message: 'dataset changed' });
      if (r.model) s.patchRun(id, { model: undefined }); // the new worker holds no trained models
    }
  }
  s.setDatasetInfo(null);
  s.setRetrieval(null);
  s.setActiveDataset({ ...dataset });
  worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (ev: MessageEvent<Parameters<typeof onReply>[0]>) => onReply(ev.data);
  worker.onerror = (ev) => {
    ev.preventDefault();
    st().pushMessage(`training worker failed: ${ev.message || 'unknown error'}`);
  };
  send({ type: 'init', dataset });
}
