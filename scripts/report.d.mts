// Types of report.mjs for the TypeScript tests that import it (src/experiment/summarize.test.ts).
export function formatP(p: number, replicates?: number): string;
export function renderMarkdown(result: { machine: string; date: string; wallSeconds: number; summary?: unknown }): string;
export function renderReport(result: unknown, plotlySource: string): string;
export function updateReadme(name: string, md: string, pngPath: string): void;
