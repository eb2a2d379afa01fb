// Per-layer sharing editor for the custom preset: layers × {attn, mlp, ln} checkboxes.
import { COMPONENTS } from '../../model/config';
import { useStore } from '../../store/store';

export function SharingMatrix({ error }: { error?: string }) {
  const matrix = useStore((s) => s.experiment.model.matrix);
  const setModel = useStore((s) => s.setModel);
  return (
    <fieldset className="matrix" data-testid="sharing-matrix">
      <legend>Custom sharing (checked = shared between the towers)</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">layer</th>
            {COMPONENTS.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, l) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are layers; the index is the identity
            <tr key={l}>
              <th scope="row">{l}</th>
              {COMPONENTS.map((c) => (
                <td key={c}>
                  <input
                    type="checkbox"
                    aria-label={`layer ${l} share ${c}`}
                    checked={row[c]}
                    onChange={(e) => setModel({ matrix: matrix.map((r, j) => (j === l ? { ...r, [c]: e.target.checked } : r)) })}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {error ? (
        <span className="err" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
