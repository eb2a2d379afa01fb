// The kernel autotuner's hook in a run (issue 17): the shapes of the run's first step are logged, then
// tuned on this adapter (or taken from the table stored for it) and applied for every later step.
//
// Determinism (the e2e specs compare curves bit for bit):
// - global step 1 (a run from step 0) always runs on the fixed 'auto' rule: no table is active during it,
//   whether or not one is stored, so a run's step 1 is the same on a first and on a later visit;
// - a resumed run (from step k > 0: a checkpoint, a reload, a device loss) applies the stored table
//   before its first step, as the run it continues did after its step 1, and times nothing new;
// - the stored table only grows: shapes already in it are never timed again (their choice cannot flip
//   between two runs of the same model), new shapes are timed and merged in;
// - on a software adapter nothing is timed during runs (see isSoftwareAdapter), so every run there uses
//   the stored table if any, else the fixed rule, for steps 2+.
import { type TuneTable, activeTuneTable, applyTable, keyString, mergeTables, startShapeLog, tableJson, takeShapeLog } from '../kernels/tuner';
import { tableStore, tuneForRun, tunerKey } from '../kernels/tune-gpu';
import type { RunCallbacks } from '../train/runner';
import { W } from './state';

/**
 * Wall-time budget of one run's tuning (ms; issue 17: ≤ 10 s on a GPU). Checked between shapes; shapes left
 * when it is spent keep the fixed rule in this run and are timed by a later run of the same shapes.
 */
export const TUNE_BUDGET_MS = 10_000;

/**
 * A software adapter (SwiftShader, llvmpipe): runs do not time kernels there. Measured on SwiftShader
 * (e2e/checkpoint.spec's ms-clip, 2 shared cores under load): 28.8 s for the first 3 shapes, almost all
 * pipeline compilation, so a model's ~20 shapes would cost minutes — and the fixed rule was measured
 * on SwiftShader anyway. A table stored for the adapter (the kernel-check page's tuner) is still applied.
 */
export const isSoftwareAdapter = (description: string) => /swiftshader|llvmpipe|software/i.test(description);

const entryKey = (e: { family: string; shape: string }) => `${e.family}|${e.shape}`;

/** The shapes of `log` that `table` has no entry for. */
export function untuned<E extends { family: string; shape: string }>(log: readonly E[], table: TuneTable | undefined): E[] {
  const have = new Set((table?.entries ?? []).map(entryKey));
  return log.filter((e) => !have.has(entryKey(e)));
}

/** `fresh`'s entries over `stored`'s (same key): the table only grows (now in kernels/tuner.ts). */
export { mergeTables };

/** What the run posts: a progress line while tuning, the table it trains with once known. */
export interface TuneReport {
  onLine(line: string): void;
  onTable(table: object | null): void;
}

export interface TuningOptions {
  /**
   * Skip tuning: time nothing, apply no stored table; every step uses the launchers' fixed rule, and the
   * run records that it did (its kernel table is { skipped: true, rule: 'fixed' }).
   */
  skip?: boolean;
}

export function tuningHooks(report: TuneReport, opts: TuningOptions = {}): Pick<RunCallbacks, 'beforeFirstStep' | 'afterFirstStep'> {
  const store = tableStore();
  let stored: TuneTable | undefined;
  let logging = false;
  let fromStart = false;
  return {
    async beforeFirstStep(t) {
      const gpu = W.gpu;
      if (!gpu) return;
      if (opts.skip) {
        applyTable(undefined);
        return;
      }
      stored = await store.get(keyString(tunerKey(gpu))).catch(() => undefined);
      // Step 1 on the fixed rule; a resumed run continues on the table its earlier steps used.
      fromStart = t.step === 0;
      applyTable(fromStart ? undefined : stored);
      startShapeLog();
      logging = true;
    },
    async afterFirstStep() {
      const gpu = W.gpu;
      if (gpu && opts.skip) {
        await tuneForRun(gpu, [], { skip: true }); // applies the 'skipped' table: fixed rule, recorded as such
        report.onLine('kernel tuning skipped on request: fixed kernel rule');
        report.onTable(tableJson(activeTuneTable()));
        return;
      }
      if (!gpu || !logging) return;
      logging = false;
      const todo = untuned(takeShapeLog(), stored);
      try {
        const software = isSoftwareAdapter(gpu.caps.adapterDescription);
        if (todo.length && (software || !fromStart)) {
          // A resumed run keeps the table its first part used (shapes a spent budget left untimed stay fixed).
          applyTable(stored);
          const why = software ? 'on a software adapter' : 'in a resumed run';
          report.onLine(`kernel tuning skipped ${why}: ${todo.length} shape${todo.length === 1 ? '' : 's'} keep the fixed choice`);
        } else if (todo.length) {
          report.onLine(`tuning kernels for this adapter: ${todo.length} new shape${todo.length === 1 ? '' : 's'}…`);
          // The store's put merges, so a later run never re-times (or flips) a stored choice.
          const merging = { get: store.get, put: (x: TuneTable) => store.put(mergeTables(stored, x)) };
          const fresh = await tuneForRun(gpu, todo, { budgetMs: TUNE_BUDGET_MS, onProgress: report.onLine, store: merging });
          if (fresh.createdAt === stored?.createdAt) applyTable(stored); // only single-variant shapes were new: nothing to time
          else {
            applyTable(mergeTables(stored, fresh));
            const cut = fresh.truncated ? ', budget spent: the rest keep the fixed choice' : '';
            report.onLine(`kernels tuned in ${(fresh.tookMs / 1000).toFixed(1)} s (${fresh.entries.length} shapes${cut})`);
          }
        } else {
          applyTable(stored);
          if (stored) report.onLine(`kernel table reused (${stored.entries.length} entries)`);
        }
      } catch (e) {
        // Tuning is an optimisation: on failure the run goes on with whatever table was applied before.
        report.onLine(`kernel tuning failed (fixed kernels kept): ${e instanceof Error ? e.message : String(e)}`);
      }
      report.onTable(tableJson(activeTuneTable()));
    },
  };
}
