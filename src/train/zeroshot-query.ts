// Interactive zero-shot classification for the worker: labelled tasks over the validation images
// (the built-in set's attributes: shape, colour, colour + shape, on one-object images; an uploaded
// set's own labels when it has them) and a query that embeds the user's prompts with a trained model.
import { type ZeroShotTask, classEmbeddings, classifyZeroShot, expandTemplates } from '../analysis/zeroshot';
import { COLOURS, COLOUR_SHAPE_CLASSES, SHAPES } from '../data/builtin/attributes';
import type { BuiltinDataset } from '../data/builtin/generate';
import type { ImageCaptionSet, Prepared } from '../data/prepare';
import type { EvalEmbeddings } from './evaluate';
import type { ZeroShotReply } from './types';
import type { Trainer } from './trainer';

/** Tasks over the validation images in `set.valIndex` order (two-object images are left out: −1). */
export function zeroShotTasks(set: ImageCaptionSet & { source?: BuiltinDataset }): ZeroShotTask[] {
  const src = set.source;
  if (src) {
    const one = set.valIndex.map((i) => {
      const l = src.labelsOf(i);
      return l.objects.length === 1 ? l.objects[0] : null;
    });
    return [
      { name: 'shape', classes: [...SHAPES], labels: one.map((o) => (o ? SHAPES.indexOf(o.shape) : -1)) },
      { name: 'colour', classes: [...COLOURS], labels: one.map((o) => (o ? COLOURS.indexOf(o.colour) : -1)) },
      { name: 'colour shape', classes: [...COLOUR_SHAPE_CLASSES], labels: one.map((o) => (o ? COLOUR_SHAPE_CLASSES.indexOf(`${o.colour} ${o.shape}`) : -1)) },
    ];
  }
  const cls = set.classes;
  if (!cls) return [];
  return [{ name: 'label', classes: cls.names, labels: set.valIndex.map((i) => cls.label[i]) }];
}

export const taskInfo = (tasks: ZeroShotTask[]) => tasks.map((t) => ({ name: t.name, classes: t.classes, images: t.labels.filter((l) => l >= 0).length }));

/** Embed the task's prompts (classes × templates) with the trained model and classify the val images. */
export async function runZeroShot(trainer: Trainer, prep: Prepared, emb: EvalEmbeddings, tasks: ZeroShotTask[], taskName: string, templates: string[], contextLength: number): Promise<ZeroShotReply> {
  const task = tasks.find((t) => t.name === taskName);
  if (!task) return { task: taskName, error: `unknown task “${taskName}”` };
  const ex = expandTemplates(templates, task.classes);
  if ('error' in ex) return { task: taskName, error: ex.error };
  const enc = prep.tokenizer.encodeBatch(ex.prompts, contextLength);
  const pe = await trainer.embedTexts(enc.ids, enc.eot, enc.lengths, ex.prompts.length);
  const cls = classEmbeddings(pe, task.classes.length, ex.templates.length, emb.D);
  const out = classifyZeroShot(emb.img, prep.val.Ni, cls, task.classes, emb.D, task.labels);
  return { task: taskName, templates: ex.templates, prompts: ex.prompts.length, classes: task.classes, step: trainer.step, ...out };
}
