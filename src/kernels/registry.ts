// Every GPU check (kernels, whole-model gradients, training), collected from `src/**/*.check.ts`.
// A check's group is the folder under src/ that holds its file (kernels, model, train): the
// kernel-check page and the e2e specs select checks by that folder (?group=model), so a new
// `src/<folder>/<unit>.check.ts` is routed by where it lives, with nothing to register.
import type { KernelCheck } from './check';

export type GroupedCheck = KernelCheck & { group: string };

const modules = import.meta.glob<{ checks: KernelCheck[] }>('/src/**/*.check.ts', { eager: true });

/** '/src/model/model.check.ts' → 'model'. */
export function checkGroup(path: string): string {
  return path.replace(/^\/src\//, '').split('/')[0];
}

export const allChecks: GroupedCheck[] = Object.keys(modules)
  .sort()
  .flatMap((k) => modules[k].checks.map((c) => ({ ...c, group: checkGroup(k) })));
