// The autotuner's table for this adapter + browser + kernel version (src/kernels/tuner.ts), on the
// bench's shapes: variant, time and runner-up per shape, with a "re-tune" button. ?tune=1 tunes (or
// reuses the stored table) on load and also times the tuned choice against the fixed auto rule;
// window.__tuneResults then holds that comparison (read by e2e/kernels.spec.ts).
import { useEffect, useState } from 'react';
import { type TuneBenchResult, benchTuner } from '../../bench/tune-bench';
import { acquireDevice, adapterDescription } from '../../gpu/device';
import { Gpu } from '../../gpu/runtime';
import { KERNEL_VERSION, tableStore, tunerKey, tunerKeyFor } from '../../kernels/tune-gpu';
import { type TuneTable, keyString } from '../../kernels/tuner';

declare global {
  interface Window {
    __tuneResults?: TuneBenchResult | { error: string };
  }
}

export function TunerPanel({ autoTune }: { autoTune: boolean }) {
  const [table, setTable] = useState<TuneTable | undefined>();
  const [compare, setCompare] = useState<TuneBenchResult['compare']>([]);
  const [line, setLine] = useState('');
  const [busy, setBusy] = useState(false);

  async function withGpu<T>(f: (gpu: Gpu) => Promise<T>): Promise<T> {
    const { device, caps } = await acquireDevice();
    const gpu = new Gpu(device, { caps });
    try {
      return await f(gpu);
    } finally {
      gpu.destroy();
    }
  }

  async function run(force: boolean) {
    setBusy(true);
    try {
      const r = await withGpu(async (gpu) => {
        const res = await benchTuner(gpu, { quick: true, reps: 3, force, budgetMs: 30_000, log: setLine });
        setTable(await tableStore().get(keyString(tunerKey(gpu))));
        return res;
      });
      setCompare(r.compare);
      setLine(r.reused ? 'stored table reused' : `tuned in ${(r.tookMs / 1000).toFixed(1)} s`);
      window.__tuneResults = r;
    } catch (e) {
      setLine(`tuning failed: ${String(e)}`);
      window.__tuneResults = { error: String(e) };
    } finally {
      setBusy(false);
    }
  }

  // The stored table needs only the adapter's description (no device, so the checks run undisturbed).
  async function showStored() {
    const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' }); // as acquireDevice
    if (adapter) setTable(await tableStore().get(keyString(tunerKeyFor(adapterDescription(adapter)))));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: once on load
  useEffect(() => {
    if (autoTune) void run(false);
    else void showStored();
  }, []);

  const autoMs = new Map(compare.map((c) => [`${c.family}|${c.shape}`, c.autoMs]));
  return (
    <section className="tuner">
      <h2>Kernel autotuner</h2>
      <p>
        The fastest variant per kernel family and shape on this adapter (kernel version {KERNEL_VERSION}), timed here and
        stored in IndexedDB; a run uses it instead of the fixed rule.{' '}
        <button type="button" disabled={busy} onClick={() => void run(true)}>
          Re-tune
        </button>{' '}
        <span data-testid="tuner-status">{line || (table ? `stored ${table.createdAt}` : 'no stored table')}</span>
      </p>
      {table && (
        <table className="results" data-testid="tuner-table">
          <thead>
            <tr>
              <th>family</th>
              <th>shape</th>
              <th>variant</th>
              <th>ms</th>
              <th>runner-up</th>
              <th>fixed auto ms</th>
            </tr>
          </thead>
          <tbody>
            {table.entries.map((e) => (
              <tr key={`${e.family}|${e.shape}`}>
                <td>{e.family}</td>
                <td>{e.shape}</td>
                <td>{e.best}</td>
                <td>{e.ms.toFixed(3)}</td>
                <td>{e.runnerUp ? `${e.runnerUp.variant} ${e.runnerUp.ms.toFixed(3)}` : '—'}</td>
                <td>{autoMs.get(`${e.family}|${e.shape}`)?.toFixed(3) ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
