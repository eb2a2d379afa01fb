// Which runs are seeds of the same configuration. Two runs belong to one config when everything that
// changes the outcome is equal — the model config and the training hyper-parameters — except the seed;
// how often metrics are logged, evaluated or checkpointed does not count. Configs are named by their
// preset; a preset trained under different settings gets "preset (2)", "preset (3)", … in order of
// first appearance. Pure: the UI passes its runs' requests.

export interface GroupableRun {
  id: string;
  preset: string;
  /** What was sent to the worker (absent for runs never started). */
  config?: unknown;
  hyper?: Record<string, unknown>;
}

/** Hyper-parameters that only change reporting, not the trained model. */
const REPORTING = new Set(['logEvery', 'evalEvery', 'checkpointEvery']);

/** Canonical JSON (sorted keys) so key order does not split a config. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function configKey(r: GroupableRun): string {
  const hyper = Object.fromEntries(Object.entries(r.hyper ?? {}).filter(([k]) => !REPORTING.has(k)));
  const config = r.config && typeof r.config === 'object' ? { ...(r.config as Record<string, unknown>), name: undefined } : r.config;
  return canonical({ preset: r.preset, config, hyper });
}

/** Run id → config name, in order of first appearance. */
export function configNames(runs: GroupableRun[]): Map<string, string> {
  const nameOfKey = new Map<string, string>();
  const perPreset = new Map<string, number>();
  const out = new Map<string, string>();
  for (const r of runs) {
    const key = configKey(r);
    let name = nameOfKey.get(key);
    if (!name) {
      // A teacher run (frozen text encoder + adapter) is named after its teacher, not its "separate" preset.
      const teacher = (r.config as { teacher?: { adapter?: string; source?: { file?: string } } } | undefined)?.teacher;
      const base = teacher ? `teacher: ${teacher.source?.file ?? 'features'} (${teacher.adapter ?? 'adapter'})` : r.preset;
      const n = (perPreset.get(base) ?? 0) + 1;
      perPreset.set(base, n);
      name = n === 1 ? base : `${base} (${n})`;
      nameOfKey.set(key, name);
    }
    out.set(r.id, name);
  }
  return out;
}
