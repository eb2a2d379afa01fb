// The teacher panel's adapter fields (LLM2CLIP, METHODS.md): which adapter, its hidden width and — for the
// published residual adapter — its block count, each field's problem, and the TeacherConfig part they give.
// The ranges are the model's own (src/model/teacher.ts teacherProblem); 0 hidden means the default 4 × embed dim.
import type { TeacherConfig } from '../model/config';

export type AdapterKind = TeacherConfig['adapter'];
export const ADAPTER_KINDS: readonly AdapterKind[] = ['linear', 'mlp', 'residual'];
/** LLM2CLIP's published adapter has 4 residual MLP blocks. */
export const DEFAULT_ADAPTER_BLOCKS = 4;

export const ADAPTER_HELP: Record<AdapterKind, string> = {
  linear: 'W·f + b into the joint space',
  mlp: 'one hidden layer: Linear → GELU → Linear into the joint space (ours)',
  residual: 'LLM2CLIP as published: residual MLP blocks x ← x + Linear(GELU(Linear(LN(x)))) at the teacher width, then LN + Linear into the joint space',
};

/** Whether the adapter has a hidden width / a block count to set. */
export const adapterHasHidden = (a: AdapterKind) => a === 'mlp' || a === 'residual';

/** Field problems of the adapter settings (absent = fine); fields that the adapter does not use are not checked. */
export function adapterFieldErrors(adapter: AdapterKind, hidden: number, blocks: number): { hidden?: string; blocks?: string } {
  const out: { hidden?: string; blocks?: string } = {};
  if (adapterHasHidden(adapter) && hidden !== 0 && !(Number.isInteger(hidden) && hidden >= 1 && hidden <= 16384)) out.hidden = 'an integer from 1 to 16384 (0 = 4 × embed dim)';
  if (adapter === 'residual' && !(Number.isInteger(blocks) && blocks >= 1 && blocks <= 64)) out.blocks = 'an integer from 1 to 64 (LLM2CLIP: 4)';
  return out;
}

/** The adapter part of a TeacherConfig: hidden only when set (else the default), blocks only for residual. */
export function adapterConfig(adapter: AdapterKind, hidden: number, blocks: number): Pick<TeacherConfig, 'adapter' | 'hidden' | 'blocks'> {
  return { adapter, ...(adapterHasHidden(adapter) && hidden > 0 ? { hidden } : {}), ...(adapter === 'residual' ? { blocks } : {}) };
}

/** The adapter as a run label shows it: "linear", "mlp 256", "residual ×4", "residual ×2 256". */
export function adapterLabel(t: Pick<TeacherConfig, 'adapter' | 'hidden' | 'blocks'>): string {
  const blocks = t.adapter === 'residual' ? ` ×${t.blocks ?? DEFAULT_ADAPTER_BLOCKS}` : '';
  return `${t.adapter}${blocks}${adapterHasHidden(t.adapter) && t.hidden ? ` ${t.hidden}` : ''}`;
}
