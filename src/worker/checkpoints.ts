// A run's checkpoints: kept in IndexedDB (pruning finished runs' ones when storage is full), posted
// as bytes when the user asked for a download or a PyTorch bundle, and the start of a run from one
// (an opened file, or its own stored checkpoint after a reload or a device loss).
import { builtinSet, prepare } from '../data/prepare';
import { deleteCheckpoint, isQuotaError, loadCheckpoint, saveWithPruning, simulateQuota } from '../train/checkpoint-store';
import { fromHistoryRow, inspectCheckpoint } from '../train/resume';
import type { Trainer } from '../train/trainer';
import type { RunRequest } from '../train/types';
import { type CheckpointPurpose, type RunState, W, post, prepOf } from './state';

export { deleteCheckpoint, simulateQuota };

/** Save the run's checkpoint to IndexedDB (and post the bytes when they are to be downloaded or bundled). */
export async function checkpoint(st: RunState, t: Trainer, purpose: CheckpointPurpose, final = false) {
  const prep = prepOf(st);
  if (!prep) return;
  const id = st.req.id;
  let bytes: Uint8Array;
  try {
    bytes = await t.saveCheckpoint(prep.tokenizer.toJSON(), st.req.seed, st.history);
  } catch (e) {
    post({ type: 'checkpoint', id, step: t.step, stored: false, message: `checkpoint failed: ${String(e)}` });
    return;
  }
  let stored = true;
  let message: string | undefined;
  try {
    const { pruned } = await saveWithPruning({ runId: id, step: t.step, savedAt: Date.now(), bytes, final }, new Set([...W.queue, id]));
    if (pruned.length) {
      const names = pruned.map((p) => `${W.runs.get(p.runId)?.req.label ?? p.runId} (step ${p.step})`).join(', ');
      message = `browser storage was full: deleted the stored checkpoint${pruned.length > 1 ? 's' : ''} of finished ${names} to keep this one (download checkpoints you want to keep)`;
      for (const p of pruned) post({ type: 'checkpoint-pruned', id: p.runId, step: p.step });
    }
  } catch (e) {
    stored = false;
    message = `could not keep the checkpoint in browser storage (${isQuotaError(e) ? 'storage is full and no finished run’s checkpoint is left to delete' : String(e)}); download it to keep it`;
  }
  const out = purpose === 'store' ? {} : { bytes, purpose };
  post({ type: 'checkpoint', id, step: t.step, stored, message, ...out });
}

/** A checkpoint asked for by the UI: at the running run's next safe point, else of its trained model now. */
export function requestCheckpoint(id: string, purpose: CheckpointPurpose) {
  const st = W.runs.get(id);
  if (st?.live) {
    st.want = purpose;
    if (st.control === 'pause') st.wake?.(); // served at the paused run's safe point
  } else if (st?.trainer) void checkpoint(st, st.trainer, purpose);
  else post({ type: 'error', id, message: 'no trained model to checkpoint yet' });
}

/**
 * Build the run's trainer from a checkpoint (an opened file, or its own last one in IndexedDB): the
 * checkpoint's config, tokenizer and step win. Replays the saved metric history to the UI so the curve
 * continues where it was. Data: re-prepared with the checkpoint's tokenizer/context when they differ
 * from the dataset's; the built-in set is regenerated at the model's image size if needed.
 */
export async function startFromCheckpoint(st: RunState, from: NonNullable<RunRequest['from']>): Promise<{ trainer: Trainer | undefined }> {
  const id = st.req.id;
  const bytes = from.kind === 'file' ? from.bytes : (await loadCheckpoint(id).catch(() => undefined))?.bytes;
  if (!bytes) {
    if (st.attachOnly) throw new Error('its stored checkpoint is gone (pruned, or the site data was cleared)');
    // Interrupted before its first checkpoint: nothing to resume, so it starts over (same seed, same curve).
    post({ type: 'status', id, status: 'running', message: 'no checkpoint was saved before the interruption: restarted from step 0' });
    return { trainer: undefined };
  }
  const info = inspectCheckpoint(bytes);
  const cfg = info.meta.config;
  const { gpu, prep, set: currentSet, spec } = W;
  if (!gpu || !prep || !currentSet) throw new Error('no GPU or dataset yet');
  let set = currentSet;
  if (cfg.vision.imageSize !== set.size) {
    if (spec?.kind !== 'builtin') {
      throw new Error(`the checkpoint's model takes ${cfg.vision.imageSize}×${cfg.vision.imageSize} images; this dataset was prepared at ${set.size}×${set.size} — load the dataset at that size`);
    }
    set = builtinSet({ seed: spec.seed, count: spec.count, valCount: spec.valCount, heldOutCount: spec.heldOutCount, size: cfg.vision.imageSize });
  }
  const sameTok = JSON.stringify(info.tokenizer.toJSON()) === JSON.stringify(prep.tokenizer.toJSON());
  if (!sameTok || cfg.text.contextLength !== prep.contextLength || set !== currentSet) {
    st.prep = prepare(set, cfg.text.contextLength, 0, info.tokenizer);
  }
  const { Trainer: T } = await import('../train/trainer');
  // Hyper-parameters: the request's (the user may extend the step budget), else the file's.
  const trainer = new T(gpu, cfg, st.req.hyper, st.req.seed);
  try {
    trainer.loadCheckpoint(bytes);
  } catch (e) {
    trainer.destroy();
    throw e;
  }
  st.history = (info.meta.history ?? []).filter((r) => r[0] <= trainer.step);
  if (st.attachOnly) return { trainer };
  if (st.history.length) post({ type: 'steps', id, records: st.history.map(fromHistoryRow), stepsPerSec: 0 });
  post({ type: 'status', id, status: 'running', message: `started from ${from.kind === 'file' ? `"${from.name}"` : 'its stored checkpoint'} at step ${trainer.step}` });
  return { trainer };
}
