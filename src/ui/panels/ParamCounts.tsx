// Live parameter counts of every selected preset: total / shared / vision-only / text-only, then per module
// (issue 16.4: stem, branch, fusion, … from src/model/modules.ts) so a reader sees what a run will contain —
// e.g. that ms-clip has a parallel branch with fusions, or that a branch is absent.
import { useMemo } from 'react';
import { MODULES, MODULE_HELP } from '../../model/modules';
import { presetCounts } from '../../store/experiment';
import { useStore } from '../../store/store';

const fmt = (n: number) => n.toLocaleString('en-US');

export function ParamCounts() {
  const e = useStore((s) => s.experiment);
  const info = useStore((s) => s.dataset);
  const rows = useMemo(() => {
    const vocab = info ? { vocabSize: info.vocabSize, contextLength: info.contextLength } : undefined;
    return e.presets.map((p) => ({ preset: p, ...presetCounts(p, e.model, e.loss, vocab) }));
  }, [e.presets, e.model, e.loss, info]);
  if (!rows.length) return <p className="muted">Select a preset to see its parameter counts.</p>;
  // Only modules some selected preset has (the adapter exists only in teacher mode, the branch only with it on).
  const modules = MODULES.filter((m) => rows.some((r) => (r.counts?.byModule?.[m] ?? 0) > 0));
  return (
    <div className="table-scroll">
      <table className="results compact" data-testid="param-counts">
        <caption className="muted">Parameters{info ? '' : ' (vocab 512 until the dataset is ready)'}; then per module (hover a module for what it holds)</caption>
        <thead>
          <tr>
            <th scope="col">preset</th>
            <th scope="col">total</th>
            <th scope="col">shared</th>
            <th scope="col">vision-only</th>
            <th scope="col">text-only</th>
            {modules.map((m) => (
              <th key={m} scope="col" title={MODULE_HELP[m]} className="module">
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) =>
            r.counts ? (
              <tr key={r.preset}>
                <td>{r.preset}</td>
                <td>{fmt(r.counts.total)}</td>
                <td>{fmt(r.counts.shared)}</td>
                <td>{fmt(r.counts.visionOnly)}</td>
                <td>{fmt(r.counts.textOnly)}</td>
                {modules.map((m) => (
                  <td key={m} data-module={m}>
                    {fmt(r.counts?.byModule?.[m] ?? 0)}
                  </td>
                ))}
              </tr>
            ) : (
              <tr key={r.preset} className="bad">
                <td>{r.preset}</td>
                <td colSpan={4 + modules.length} className="err">
                  {r.error}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
