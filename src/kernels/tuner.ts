// On-device kernel autotuner. Every kernel family with several variants (matmul per layout,
// attention, LayerNorm, …) registers a task per shape the run uses; the tuner times every applicable
// variant on this adapter, keeps the fastest, and stores the table under a key of
// (adapter vendor/architecture/device/description, browser, our kernel version), so the next run on
// the same device and build reuses it without timing anything. Launchers consult `tunedVariant`
// before their fixed 'auto' rule (which stays the fallback for untuned shapes).
// This module imports no kernel (they import it), so it stays at the bottom of src/kernels.

export interface TunerKey {
  /** Adapter vendor / architecture / device / description, as GPUAdapterInfo reports them. */
  adapter: string;
  /** navigator.userAgent in a browser, "node <version> + dawn" in Node. */
  browser: string;
  /** Hash of every WGSL source: a kernel change invalidates every stored table. */
  kernelVersion: string;
}

export const keyString = (k: TunerKey): string => `${k.adapter} | ${k.browser} | ${k.kernelVersion}`;

/** One family × shape: which variant won, its time, the runner-up, and every time measured (ms). */
export interface TuneEntry {
  family: string;
  shape: string;
  best: string;
  ms: number;
  runnerUp?: { variant: string; ms: number };
  times: Record<string, number>;
}

export interface TuneTable {
  key: TunerKey;
  /** keyString(key), the IndexedDB key. */
  id: string;
  createdAt: string;
  /** Wall time the tuning took (ms), and whether the budget cut it short. */
  tookMs: number;
  truncated: boolean;
  entries: TuneEntry[];
  /** Set when tuning was skipped on request: every launcher used its fixed rule (nothing timed or stored). */
  skipped?: boolean;
}

/** A family's shape to tune: `run(variant)` records one call of that variant (no readback). */
export interface TuneTask {
  family: string;
  shape: string;
  variants: readonly string[];
  run(variant: string): void;
  /** Frees what the task allocated; called once its variants are timed. */
  dispose?(): void;
}

/** Times `reps` calls of `f` (the calls are recorded, then the GPU is awaited once); returns ms per call. */
export type Timer = (f: () => void, reps: number) => Promise<number>;

export interface TableStore {
  get(id: string): Promise<TuneTable | undefined>;
  put(t: TuneTable): Promise<void>;
}

export interface TuneOptions {
  key: TunerKey;
  store: TableStore;
  timer: Timer;
  /** Stop starting new tasks once this much wall time (ms) is spent; the rest keep the fixed rule. */
  budgetMs?: number;
  /** Calls per timing (after one untimed warm-up call that also compiles the pipeline). */
  reps?: number;
  /** Interleaved timing rounds per variant (median taken). */
  rounds?: number;
  /**
   * Time again even where the stored table has the shape (the kernel-check page's "re-tune"). The fresh
   * entries overwrite the stored ones of the same family and shape; the stored table's other entries stay.
   */
  force?: boolean;
  /** Time nothing and apply no table: every launcher keeps its fixed rule; the returned table says so (skipped). */
  skip?: boolean;
  now?: () => number;
  onProgress?: (line: string) => void;
}

/** The table launchers consult: `${family}|${shape}` → variant. */
let active = new Map<string, string>();
let activeTable: TuneTable | undefined;
/** Bumped whenever what tunedVariant answers may change (table applied, withVariant, shape log on/off). */
let generation = 0;

const entryKey = (family: string, shape: string) => `${family}|${shape}`;

/** Shapes the launchers saw while the log was on: family|shape → the launcher's spec of the call. */
let shapeLog: Map<string, { family: string; shape: string; spec: unknown }> | undefined;

/**
 * The tuned variant for this family and shape, or undefined (then the launcher's fixed rule decides).
 * Launchers call it on every dispatch with `spec` (what a tuning task needs to replay the call), which
 * is recorded while a shape log is on: that is how the tuner learns a run's actual shapes.
 */
export function tunedVariant(family: string, shape: string, spec?: unknown): string | undefined {
  if (shapeLog && spec !== undefined && !shapeLog.has(entryKey(family, shape))) shapeLog.set(entryKey(family, shape), { family, shape, spec });
  return active.get(entryKey(family, shape));
}

/** Start recording the shapes launchers dispatch (e.g. around one training step). */
export function startShapeLog(): void {
  shapeLog = new Map();
  generation++;
}

/** Stop recording; the distinct (family, shape, spec) seen since startShapeLog, in first-seen order. */
export function takeShapeLog(): { family: string; shape: string; spec: unknown }[] {
  const out = [...(shapeLog?.values() ?? [])];
  shapeLog = undefined;
  generation++;
  return out;
}

/** Runs `f` with `variant` taking the place of the tuned choice for (family, shape): how tasks time a variant. */
export function withVariant<T>(family: string, shape: string, variant: string, f: () => T): T {
  const k = entryKey(family, shape);
  const prev = active.get(k);
  active.set(k, variant);
  generation++;
  try {
    return f();
  } finally {
    if (prev === undefined) active.delete(k);
    else active.set(k, prev);
    generation++;
  }
}

/**
 * A launcher's memo of its tuned choice per shape, keyed by the shape's integers (no string built per
 * dispatch): `choose(key, slow)` answers from the memo, or calls `slow` (which builds the shape string and
 * asks tunedVariant) once per shape. Emptied whenever the tuner's answers may change; bypassed while a
 * shape log is on, so that every shape still reaches tunedVariant and is recorded.
 */
export class ChoiceCache<T> {
  private gen = -1;
  private readonly memo = new Map<number, { key: readonly number[]; value: T }[]>();

  choose(key: readonly number[], slow: () => T): T {
    if (shapeLog) return slow();
    if (this.gen !== generation) {
      this.memo.clear();
      this.gen = generation;
    }
    let h = key.length;
    for (const x of key) h = (Math.imul(h, 0x01000193) ^ x) | 0;
    const bucket = this.memo.get(h);
    if (bucket) for (const e of bucket) if (e.key.length === key.length && e.key.every((x, i) => x === key[i])) return e.value;
    const value = slow();
    if (bucket) bucket.push({ key: [...key], value });
    else this.memo.set(h, [{ key: [...key], value }]);
    return value;
  }
}

/** Make `t` the table launchers consult (undefined: none, every launcher uses its fixed rule). */
export function applyTable(t: TuneTable | undefined): void {
  activeTable = t;
  active = new Map((t?.entries ?? []).map((e) => [entryKey(e.family, e.shape), e.best]));
  generation++;
}

export function activeTuneTable(): TuneTable | undefined {
  return activeTable;
}

/** JSON form for results files and checkpoint metadata: enough to reproduce a run's kernel choices. */
export function tableJson(t: TuneTable | undefined = activeTable): object | null {
  if (!t) return null;
  return {
    key: t.key,
    createdAt: t.createdAt,
    truncated: t.truncated,
    ...(t.skipped ? { skipped: true, rule: 'fixed' } : {}),
    choices: t.entries.map((e) => ({ family: e.family, shape: e.shape, variant: e.best, ms: e.ms, runnerUp: e.runnerUp ?? null })),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Time one task's variants: one untimed warm-up call each, then `rounds` rounds that time every variant
 * (rotating which goes first, so drift on a shared machine hits all alike); a variant's time is its
 * median over the rounds. The fastest wins (ties: the earlier variant, the launcher's default order).
 */
export async function tuneTask(task: TuneTask, timer: Timer, reps: number, rounds = 3): Promise<TuneEntry> {
  const samples: Record<string, number[]> = {};
  for (const v of task.variants) {
    task.run(v); // pipeline compile, first-touch allocations
    samples[v] = [];
  }
  const n = task.variants.length;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) {
      const v = task.variants[(i + r) % n];
      samples[v].push(await timer(() => task.run(v), reps));
    }
  }
  const times = Object.fromEntries(task.variants.map((v) => [v, median(samples[v])]));
  const ranked = task.variants.map((v) => [v, times[v]] as const).sort((a, b) => a[1] - b[1]);
  const [best, ms] = ranked[0];
  const second = ranked[1];
  return { family: task.family, shape: task.shape, best, ms, runnerUp: second ? { variant: second[0], ms: second[1] } : undefined, times };
}

/**
 * The table for this key: the stored one when present (and not `force`), else a fresh one timed now and
 * stored. Tasks with a single variant are not timed. The table becomes the active one either way.
 */
export async function tune(tasks: readonly TuneTask[], o: TuneOptions): Promise<TuneTable> {
  const id = keyString(o.key);
  if (o.skip) {
    o.onProgress?.('kernel tuning skipped on request: fixed kernel rule');
    const table: TuneTable = { key: o.key, id, createdAt: new Date().toISOString(), tookMs: 0, truncated: false, entries: [], skipped: true };
    applyTable(table);
    return table;
  }
  const stored = await o.store.get(id);
  if (!o.force) {
    const want = new Set(tasks.filter((t) => t.variants.length > 1).map((t) => entryKey(t.family, t.shape)));
    const have = new Set((stored?.entries ?? []).map((e) => entryKey(e.family, e.shape)));
    if (stored && !stored.truncated && [...want].every((k) => have.has(k))) {
      o.onProgress?.(`kernel table reused (${stored.entries.length} entries)`);
      applyTable(stored);
      return stored;
    }
  }
  const now = o.now ?? (() => performance.now());
  const budget = o.budgetMs ?? 10_000;
  const reps = o.reps ?? 3;
  const t0 = now();
  const entries: TuneEntry[] = [];
  const todo = tasks.filter((t) => t.variants.length > 1);
  let truncated = false;
  for (const [i, task] of todo.entries()) {
    if (now() - t0 > budget) {
      truncated = true;
      o.onProgress?.(`tuning budget spent: ${todo.length - i} shapes keep the fixed choice`);
      break;
    }
    o.onProgress?.(`tuning ${task.family} ${task.shape} (${i + 1}/${todo.length}): ${task.variants.join(', ')}`);
    try {
      entries.push(await tuneTask(task, o.timer, reps, o.rounds ?? 3));
    } finally {
      task.dispose?.();
    }
  }
  const fresh: TuneTable = { key: o.key, id, createdAt: new Date().toISOString(), tookMs: now() - t0, truncated, entries };
  // Re-timed shapes overwrite their stored entries; shapes this call did not time keep theirs.
  const table = o.force ? mergeTables(stored, fresh) : fresh;
  await o.store.put(table);
  applyTable(table);
  return table;
}

/** `fresh`'s entries over `stored`'s (same key): entries of other shapes are kept. */
export function mergeTables(stored: TuneTable | undefined, fresh: TuneTable): TuneTable {
  if (!stored || stored.skipped) return fresh;
  const mine = new Set(fresh.entries.map((e) => entryKey(e.family, e.shape)));
  return { ...fresh, tookMs: stored.tookMs + fresh.tookMs, entries: [...stored.entries.filter((e) => !mine.has(entryKey(e.family, e.shape))), ...fresh.entries] };
}

/** A Map-backed store (tests, Node, and the fallback when IndexedDB is unavailable). */
export function memoryStore(): TableStore & { tables: Map<string, TuneTable> } {
  const tables = new Map<string, TuneTable>();
  return {
    tables,
    get: async (id) => tables.get(id),
    put: async (t) => {
      tables.set(t.id, structuredClone(t));
    },
  };
}

/** FNV-1a (32-bit, hex) of the given sources: the kernel version in the tuner key. */
export function sourceHash(sources: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const s of sources) {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}
