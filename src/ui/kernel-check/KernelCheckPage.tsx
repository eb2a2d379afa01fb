// Runs every registered kernel check on this browser's GPU and shows OK / NOT OK with the max error.
// Query: ?filter=<substring> limits the kernels; ?group=a,b / ?exclude=c,d keep / drop the checks of the folders under
// src/ that hold their *.check.ts (kernels, model, train; see kernels/registry.ts); ?heavy=0 skips the heavy cases
// (large shapes, extra tiled-variant shapes: `npm test`), ?heavy=only keeps only them (`npm run test:slow`);
// ?shard=i/n runs the i-th of n contiguous blocks of the selected checks (parallel pages in e2e/kernels.spec.ts);
// ?autorun=0 waits for the button; ?tune=1 also tunes the kernels (TunerPanel). When finished, window.__kernelResults holds the results (read by e2e/kernels.spec.ts).
import { useEffect, useState } from 'react';
import { WebGpuUnavailable, acquireDevice } from '../../gpu/device';
import { Gpu } from '../../gpu/runtime';
import { type CheckResult, parseShard, shardOf } from '../../kernels/check';
import { allChecks } from '../../kernels/registry';
import { Unsupported } from '../Unsupported';
import { TunerPanel } from './TunerPanel';

declare global {
  interface Window {
    __kernelResults?: CheckResult[];
  }
}

type Row = CheckResult & { ms: number; seq: number };

export function KernelCheckPage() {
  const params = new URLSearchParams(location.search);
  const filter = params.get('filter') ?? '';
  const heavy = params.get('heavy') ?? '1';
  const [rows, setRows] = useState<Row[]>([]);
  const [status, setStatus] = useState('starting');
  const [unsupported, setUnsupported] = useState<WebGpuUnavailable | null>(null);
  const [adapter, setAdapter] = useState('');

  // ?group=a,b keeps the checks from those src/ folders; ?exclude=c,d drops them.
  const list = (k: string) => (params.get(k) ?? '').split(',').filter(Boolean);
  const groups = list('group');
  const exclude = list('exclude');
  const selected = allChecks.filter(
    (c) =>
      (heavy === '0' ? !c.heavy : heavy === 'only' ? !!c.heavy : true) &&
      (!filter || `${c.kernel} ${c.name}`.toLowerCase().includes(filter.toLowerCase())) &&
      (groups.length === 0 || groups.includes(c.group)) &&
      !exclude.includes(c.group),
  );
  const shard = parseShard(params.get('shard'));
  const checks = shard ? shardOf(selected, shard[0], shard[1]) : selected;

  async function runAll() {
    setRows([]);
    let gpu: Gpu;
    try {
      const { device, caps } = await acquireDevice();
      gpu = new Gpu(device, { caps });
      setAdapter(`${caps.adapterDescription || 'unknown adapter'}; features: ${[...caps.features].join(', ') || 'none'}`);
    } catch (e) {
      if (e instanceof WebGpuUnavailable) setUnsupported(e);
      else setStatus(`device error: ${String(e)}`);
      return;
    }
    const out: Row[] = [];
    for (const [i, c] of checks.entries()) {
      setStatus(`running ${i + 1}/${checks.length}: ${c.kernel} ${c.name}`);
      const t0 = performance.now();
      let r: CheckResult;
      try {
        gpu.device.pushErrorScope('validation');
        r = await c.run(gpu);
        const err = await gpu.device.popErrorScope();
        if (err) r = { ...r, ok: false, message: `GPU validation error: ${err.message}; ${r.message}` };
      } catch (e) {
        r = { kernel: c.kernel, name: c.name, ok: false, maxAbsErr: Number.NaN, message: `threw: ${String(e)}` };
      }
      out.push({ ...r, ms: performance.now() - t0, seq: i });
      setRows([...out]);
    }
    const bad = out.filter((r) => !r.ok).length;
    setStatus(bad === 0 ? `all ${out.length} OK` : `${bad} of ${out.length} NOT OK`);
    window.__kernelResults = out;
    gpu.destroy();
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: run once on load
  useEffect(() => {
    if (params.get('autorun') !== '0') void runAll();
  }, []);

  if (unsupported) return <Unsupported error={unsupported} />;
  return (
    <main className="kernel-check">
      <h1>Kernel check</h1>
      <p>
        Every WGSL kernel against its CPU reference (backward kernels also against float64 finite differences), on this
        browser's GPU. {adapter && <span className="muted">Adapter: {adapter}</span>}
      </p>
      <p>
        <button type="button" onClick={() => void runAll()}>
          Run again
        </button>{' '}
        <span data-testid="kernel-status">{status}</span>
      </p>
      <TunerPanel autoTune={params.get('tune') === '1'} />
      <table className="results">
        <thead>
          <tr>
            <th>kernel</th>
            <th>case</th>
            <th>result</th>
            <th>max |err|</th>
            <th>ms</th>
            <th>details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.seq} className={r.ok ? 'ok' : 'bad'}>
              <td>{r.kernel}</td>
              <td>{r.name}</td>
              <td>{r.ok ? 'OK' : 'NOT OK'}</td>
              <td>{Number.isFinite(r.maxAbsErr) ? r.maxAbsErr.toExponential(2) : String(r.maxAbsErr)}</td>
              <td>{r.ms.toFixed(0)}</td>
              <td className="detail">{r.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
