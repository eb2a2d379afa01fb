// Types of eval-set-files.mjs for the TypeScript tests that import it (src/experiment/eval-paths.test.ts).
export function listEvalSetPath(p: string): { path: string; size: number; abs: string }[];
