// Every GPU check (kernels, whole-model gradients, training), collected from `src/**/*.check.ts`.
import type { KernelCheck } from './check';

const modules = import.meta.glob<{ checks: KernelCheck[] }>('../**/*.check.ts', { eager: true });

export const allChecks: KernelCheck[] = Object.keys(modules)
  .sort()
  .flatMap((k) => modules[k].checks);
