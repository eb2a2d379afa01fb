// What a run does with its validation losses: keep the best (for keepBest), count evaluations since it
// (for early stopping), and flag overfitting — validation loss rising for k evaluations in a row while the
// training loss falls — as a note for the run. Pure: the runner feeds it, tests drive it directly.

export interface EvalPoint {
  step: number;
  valLoss: number;
  /** Mean training loss over the steps since the previous evaluation. */
  trainLoss: number;
}

export class BestKeeper {
  best: { step: number; valLoss: number } | null = null;
  /** Evaluations since the best one (0 right after an improvement). */
  sinceBest = 0;

  /** Record an evaluation; true when it is the new best (strictly lower validation loss; NaN never is). */
  observe(step: number, valLoss: number): boolean {
    if (Number.isFinite(valLoss) && (this.best === null || valLoss < this.best.valLoss)) {
      this.best = { step, valLoss };
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  /** Early stopping: `patience` evaluations in a row without a new best (patience 0 = never). */
  shouldStop(patience: number): boolean {
    return patience > 0 && this.best !== null && this.sinceBest >= patience;
  }
}

/** Evaluations in a row with a rising validation loss that the note asks for. */
export const OVERFIT_EVALS = 3;

/**
 * The overfitting note, or null: the validation loss rose at each of the last k evaluations while the
 * training loss fell over the same window (first to last of the k + 1 points).
 */
export function overfitNote(points: readonly EvalPoint[], k = OVERFIT_EVALS): string | null {
  if (k < 1 || points.length < k + 1) return null;
  const w = points.slice(-(k + 1));
  for (let i = 1; i < w.length; i++) if (!(w[i].valLoss > w[i - 1].valLoss)) return null;
  const first = w[0];
  const last = w[w.length - 1];
  if (!(last.trainLoss < first.trainLoss)) return null;
  const f = (v: number) => v.toFixed(3);
  return (
    `overfitting: validation loss rose for ${k} evaluation${k === 1 ? '' : 's'} (${f(first.valLoss)} → ${f(last.valLoss)}, steps ${first.step}–${last.step}) ` +
    `while training loss fell (${f(first.trainLoss)} → ${f(last.trainLoss)}). Try augmentation, fewer steps, or keep the best checkpoint.`
  );
}
