// Types of report.mjs for the TypeScript tests that import it (src/experiment/summarize.test.ts).
export function formatP(p: number, replicates?: number): string;
export interface ReportRun {
  preset: string;
  params?: { total: number; byModule?: Record<string, number> };
}
export function renderMarkdown(result: { machine: string; date: string; wallSeconds: number; summary?: unknown; runs?: ReportRun[]; experiment?: { presets: string[] } }): string;
export function paramsByModule(result: { runs?: ReportRun[]; experiment?: { presets: string[] } }): { cols: string[]; rows: string[][] } | null;
export function renderReport(result: unknown, plotlySource: string): string;
export function updateReadme(name: string, md: string, pngPath: string): void;
export function headerGroups(cols: string[]): { groups: { name: string; span: number; label: string }[]; names: string[] } | null;
