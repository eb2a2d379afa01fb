// The headless runner's evaluation sets given as paths (issue 19): each `dataset.evalSets[i].path` is read
// through the host (scripts/eval-set-files.mjs lists it, the page reads the bytes), ingested by the SAME
// pipeline as the upload UI (the page runs the upload worker: decoded, validated, cached in IndexedDB),
// and replaced by its content id before the training worker's `init`. Pure: the host's functions come in.
import type { LoadResult, PipelineOptions, UploadEntry } from '../data/ingest/pipeline';
import { DEFAULT_CONTEXT_LENGTH, type DatasetSpec, type EvalSetSpec } from '../data/types';

export interface EvalPathHost {
  /** The files of a folder or the one archive at `path`; throws naming the path. */
  list(path: string): Promise<{ path: string; size: number; abs: string }[]>;
  read(abs: string): Promise<Uint8Array>;
  /** The upload pipeline (src/data/ingest/pipeline.ts runPipeline, in the upload worker in the page). */
  ingest(entries: UploadEntry[], opts: PipelineOptions): Promise<LoadResult>;
  log?(line: string): void;
}

/** One line of what the ingest kept and skipped, for the log and errors. */
export const ingestLine = (r: LoadResult) =>
  `${r.count} pairs loaded (${r.report.captions} captions), ${r.report.skipped.length} skipped${r.cached ? ', tensors already cached' : ''}`;

/** The dataset spec with every path-given evaluation set ingested and named by its upload id. */
export async function resolveEvalPaths(dataset: DatasetSpec, host: EvalPathHost): Promise<DatasetSpec> {
  if (!dataset.evalSets?.some((s) => s.path !== undefined)) return dataset;
  const evalSets: EvalSetSpec[] = [];
  for (const s of dataset.evalSets) {
    if (s.path === undefined) {
      evalSets.push(s);
      continue;
    }
    const files = await host.list(s.path);
    const entries: UploadEntry[] = files.map((f) => ({ path: f.path, size: f.size, read: () => host.read(f.abs) }));
    const opts = { name: s.path.replace(/\/+$/, '').split('/').pop() || s.path, size: dataset.size, contextLength: dataset.contextLength ?? DEFAULT_CONTEXT_LENGTH, vocabSize: dataset.vocabSize ?? 512 };
    let r: LoadResult;
    try {
      r = await host.ingest(entries, opts);
    } catch (e) {
      throw new Error(`evaluation set "${s.name}" (path ${s.path}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (r.count < 2) {
      const reasons = Object.entries(r.report.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
      throw new Error(`evaluation set "${s.name}" (path ${s.path}): ${r.count} usable image–caption pairs in ${files.length} files${reasons ? ` (skipped: ${reasons})` : ''}; evaluation needs at least 2`);
    }
    host.log?.(`evaluation set "${s.name}": ${s.path} → upload ${r.id.slice(0, 8)}…, ${ingestLine(r)}`);
    const { path: _path, ...rest } = s;
    evalSets.push({ ...rest, upload: r.id });
  }
  return { ...dataset, evalSets };
}
