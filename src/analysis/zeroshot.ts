// Zero-shot classification with user prompt templates (METHODS.md "Metrics"): each class embedding is
// the normalised mean of its prompts' embeddings; an image is classified by argmax cosine. Pure
// functions over row-major Float32Arrays; the worker embeds the prompts, the UI shows the result.
import { dotRows } from './embeddings';

/** A labelled classification task over validation images (label −1 = not part of the task). */
export interface ZeroShotTask {
  name: string;
  classes: string[];
  /** Per validation image: class index, or −1 (e.g. two-object images for a one-object label). */
  labels: number[];
}

/**
 * Prompts for every class × template, class-major: `{label}` → the class name, `{a}` → the class
 * name with its indefinite article ("an orange star"). Templates without a placeholder, blank
 * templates and duplicates are refused with a message (they would add the same prompt to every class).
 */
export function expandTemplates(templates: string[], classes: string[]): { prompts: string[]; templates: string[] } | { error: string } {
  const kept: string[] = [];
  for (const raw of templates) {
    const t = raw.trim();
    if (!t) continue;
    if (!t.includes('{label}') && !t.includes('{a}')) return { error: `template “${t}” has no {label} or {a} placeholder` };
    if (!kept.includes(t)) kept.push(t);
  }
  if (!kept.length) return { error: 'no templates: write at least one, e.g. “a picture of {a}”' };
  if (!classes.length) return { error: 'the task has no classes' };
  const art = (s: string) => (/^[aeiou]/i.test(s) ? `an ${s}` : `a ${s}`);
  const prompts = classes.flatMap((c) => kept.map((t) => t.replaceAll('{a}', art(c)).replaceAll('{label}', c)));
  return { prompts, templates: kept };
}

/** Normalised mean of each class's P prompt embeddings: (C·P, D) → (C, D). */
export function classEmbeddings(prompts: ArrayLike<number>, C: number, P: number, D: number): Float32Array {
  const cls = new Float32Array(C * D);
  for (let c = 0; c < C; c++) {
    const acc = new Float64Array(D);
    for (let p = 0; p < P; p++) for (let k = 0; k < D; k++) acc[k] += prompts[(c * P + p) * D + k];
    let n = 0;
    for (let k = 0; k < D; k++) n += acc[k] * acc[k];
    const r = 1 / Math.max(Math.sqrt(n), 1e-12);
    for (let k = 0; k < D; k++) cls[c * D + k] = acc[k] * r;
  }
  return cls;
}

export interface ZeroShotOutcome {
  /** Images classified (label ≥ 0). */
  n: number;
  accuracy: number;
  /** Accuracy if chance: 1 / classes. */
  chance: number;
  perClass: { name: string; n: number; correct: number }[];
  /** Per classified image: validation index, true class, predicted class, top scores (best first). */
  items: { index: number; label: number; predicted: number; top: { cls: number; score: number }[] }[];
}

/**
 * Classify the labelled images: img (Ni, D) normalised, cls (C, D) from classEmbeddings, labels per
 * image (−1 = skip). `top` scores are kept per image for display.
 */
export function classifyZeroShot(img: ArrayLike<number>, Ni: number, cls: ArrayLike<number>, classes: string[], D: number, labels: ArrayLike<number>, top = 3): ZeroShotOutcome {
  const C = classes.length;
  const perClass = classes.map((name) => ({ name, n: 0, correct: 0 }));
  const items: ZeroShotOutcome['items'] = [];
  let correct = 0;
  for (let i = 0; i < Ni; i++) {
    const y = labels[i];
    if (y < 0) continue;
    const scores = Array.from({ length: C }, (_, c) => ({ cls: c, score: dotRows(img, i, cls, c, D) }));
    scores.sort((a, b) => b.score - a.score || a.cls - b.cls);
    const predicted = scores[0].cls;
    perClass[y].n++;
    if (predicted === y) {
      perClass[y].correct++;
      correct++;
    }
    items.push({ index: i, label: y, predicted, top: scores.slice(0, top) });
  }
  const n = items.length;
  return { n, accuracy: n ? correct / n : 0, chance: C ? 1 / C : 0, perClass, items };
}
