// A fake evaluation (src/train/evaluate.ts EvalMetrics) for the store and table tests (not used by the app): R@1 as given, the
// rest fixed; zero-shot only when given (a labelled set).
import type { EvalMetrics } from '../train/evaluate';

export const fakeMetrics = (r1: number, zeroShot?: number, step = 6): EvalMetrics => ({
  step,
  valLoss: 2,
  i2t: { 1: r1, 5: 0.5, 10: 0.7 },
  t2i: { 1: r1 / 2, 5: 0.4, 10: 0.6 },
  alignment: 1,
  uniformity: -2,
  uniformityImage: -2,
  uniformityText: -2,
  modalityGap: 0.5,
  logitScale: 14,
  ...(zeroShot === undefined ? {} : { zeroShot }),
});
