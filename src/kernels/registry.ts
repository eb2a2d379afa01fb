// Every kernel's checks, collected from the `*.check.ts` files beside this one.
import type { KernelCheck } from './check';

const modules = import.meta.glob<{ checks: KernelCheck[] }>('./*.check.ts', { eager: true });

export const allChecks: KernelCheck[] = Object.keys(modules)
  .sort()
  .flatMap((k) => modules[k].checks);
