// Training hyper-parameters with defaults and validation (messages name the field).
import type { GroupMults } from '../kernels/optimizer';

export interface TrainHyper {
  batchSize: number;
  steps: number;
  lr: number;
  minLr: number;
  warmup: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global gradient-norm clip (0 = off). */
  gradClip: number;
  /** Read metrics back every `logEvery` steps (the GPU keeps every step's loss in between). */
  logEvery: number;
  /** Validation metrics every `evalEvery` steps (0 = only at the end). */
  evalEvery: number;
  /** Checkpoint every N steps (0 = off). */
  checkpointEvery: number;
  /**
   * Per-group optimiser multipliers (MS-CLIP's LR_SHARE / WD_SHARE, src/kernels/optimizer.ts OPTIM_GROUPS):
   * a group steps with lr·lrMult… and decays with weightDecay·wdMult…. Groups: `Shared` = decaying weights both
   * towers read, `Specific` = decaying weights of one tower, `NoDecay` = gains, biases, embeddings, logit scale
   * (shared or not). Defaults 1 / 1 / 1 and wd 1 / 1 / 0: plain AdamW.
   */
  lrMultShared: number;
  wdMultShared: number;
  lrMultSpecific: number;
  wdMultSpecific: number;
  lrMultNoDecay: number;
  wdMultNoDecay: number;
  /**
   * Teacher runs (LLM2CLIP): the vision tower's lr multiplier, on top of its views' group multiplier (NoDecay or
   * Specific; weight decay as those groups). LLM2CLIP fine-tunes a pretrained vision encoder at a lower lr than the
   * adapter. Other runs have no such group (ParamSpec.visionTower is set only in teacher layouts). Default 1.
   */
  lrMultVision: number;
  /** 1: seeded image augmentation (random resized crop, flip unless a caption names left/right; src/data/augment.ts). */
  augment: number;
  /** 1: the run ends with the weights of its best validation loss (a GPU copy kept at each improvement; src/train/best.ts). */
  keepBest: number;
  /** Early stopping: end the run after this many evaluations without a better validation loss (0 = off). */
  earlyStop: number;
}

export const DEFAULT_HYPER: TrainHyper = {
  batchSize: 64,
  steps: 600,
  lr: 1e-3,
  minLr: 1e-5,
  warmup: 50,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.98,
  eps: 1e-6,
  gradClip: 1,
  logEvery: 10,
  evalEvery: 100,
  checkpointEvery: 200,
  lrMultShared: 1,
  wdMultShared: 1,
  lrMultSpecific: 1,
  wdMultSpecific: 1,
  lrMultNoDecay: 1,
  wdMultNoDecay: 0,
  lrMultVision: 1,
  // Off by default: the built-in runs (and every study in experiments/) stay as they were.
  augment: 0,
  keepBest: 0,
  earlyStop: 0,
};

type Rule = { min: number; max: number; int?: boolean };
export const HYPER_RULES: Record<keyof TrainHyper, Rule> = {
  batchSize: { min: 2, max: 16384, int: true },
  steps: { min: 1, max: 1_000_000, int: true },
  lr: { min: 1e-8, max: 1 },
  minLr: { min: 0, max: 1 },
  warmup: { min: 0, max: 1_000_000, int: true },
  weightDecay: { min: 0, max: 10 },
  beta1: { min: 0, max: 0.99999 },
  beta2: { min: 0, max: 0.999999 },
  eps: { min: 1e-12, max: 1 },
  gradClip: { min: 0, max: 1e6 },
  logEvery: { min: 1, max: 100_000, int: true },
  evalEvery: { min: 0, max: 1_000_000, int: true },
  checkpointEvery: { min: 0, max: 1_000_000, int: true },
  lrMultShared: { min: 0, max: 100 },
  wdMultShared: { min: 0, max: 100 },
  lrMultSpecific: { min: 0, max: 100 },
  wdMultSpecific: { min: 0, max: 100 },
  lrMultNoDecay: { min: 0, max: 100 },
  wdMultNoDecay: { min: 0, max: 100 },
  lrMultVision: { min: 0, max: 100 },
  augment: { min: 0, max: 1, int: true },
  keepBest: { min: 0, max: 1, int: true },
  earlyStop: { min: 0, max: 1000, int: true },
};

/**
 * The per-group multipliers in the optimizer's order (OPTIM_GROUPS: noDecay, specific, shared, visionNoDecay,
 * visionSpecific — a teacher run's vision tower steps at its group's lr × lrMultVision and decays as its group);
 * fields missing from an older checkpoint or experiment file take the defaults (plain AdamW).
 */
export function groupMults(h: Partial<TrainHyper>): { lrMult: GroupMults; wdMult: GroupMults } {
  const d = { ...DEFAULT_HYPER, ...h };
  return {
    lrMult: [d.lrMultNoDecay, d.lrMultSpecific, d.lrMultShared, d.lrMultNoDecay * d.lrMultVision, d.lrMultSpecific * d.lrMultVision],
    wdMult: [d.wdMultNoDecay, d.wdMultSpecific, d.wdMultShared, d.wdMultNoDecay, d.wdMultSpecific],
  };
}

/** Field → message for every invalid field (empty when valid). */
export function validateHyper(h: Partial<Record<keyof TrainHyper, unknown>>): Partial<Record<keyof TrainHyper, string>> {
  const errors: Partial<Record<keyof TrainHyper, string>> = {};
  for (const [k, rule] of Object.entries(HYPER_RULES) as [keyof TrainHyper, Rule][]) {
    const v = h[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) errors[k] = `${k} must be a finite number`;
    else if (rule.int && !Number.isInteger(v)) errors[k] = `${k} must be an integer`;
    else if (v < rule.min || v > rule.max) errors[k] = `${k} must be between ${rule.min} and ${rule.max}; got ${v}`;
  }
  if (typeof h.minLr === 'number' && typeof h.lr === 'number' && h.minLr > h.lr) errors.minLr = 'minLr must not exceed lr';
  return errors;
}
