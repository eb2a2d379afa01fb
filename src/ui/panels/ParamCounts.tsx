// Live parameter counts (total / shared / vision-only / text-only) of every selected preset.
import { useMemo } from 'react';
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
  return (
    <table className="results compact" data-testid="param-counts">
      <caption className="muted">Parameters{info ? '' : ' (vocab 512 until the dataset is ready)'}</caption>
      <thead>
        <tr>
          <th scope="col">preset</th>
          <th scope="col">total</th>
          <th scope="col">shared</th>
          <th scope="col">vision-only</th>
          <th scope="col">text-only</th>
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
            </tr>
          ) : (
            <tr key={r.preset} className="bad">
              <td>{r.preset}</td>
              <td colSpan={4} className="err">
                {r.error}
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
