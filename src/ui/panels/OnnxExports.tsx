// The session's ONNX exports: per run, the parity of the exported graphs in onnxruntime-web against
// the app's own WGSL forward (per execution provider, with where ORT actually placed the nodes), and
// the files to download.
import { type EpParity, PARITY_TOL } from '../../export/parity';
import { zipBundle } from '../../store/onnx-receive';
import type { Placement } from '../../export/session';
import type { ExportEntry } from '../../store/exportSlice';
import { useStore } from '../../store/store';
import { downloadBytes, downloadText } from '../../util/download';
import '../onnx.css';

const EP_NAME: Record<string, string> = { wasm: 'wasm (CPU)', webgpu: 'WebGPU' };
const PROVIDER_NAME: Record<string, string> = { CPUExecutionProvider: 'CPU', WebGpuExecutionProvider: 'WebGPU' };

function placementText(p: Placement | null | undefined): string {
  if (!p) return 'not reported';
  const parts = Object.entries(p.byProvider).map(([k, n]) => `${PROVIDER_NAME[k] ?? k} ${n}`);
  return parts.join(' · ') + (p.cpuOps.length ? ` (CPU: ${p.cpuOps.join(', ')})` : '');
}

function Err({ v }: { v: number | undefined }) {
  if (v === undefined) return <td className="num">—</td>;
  const ok = v < PARITY_TOL;
  return (
    <td className={`num ${ok ? 'pass' : 'fail'}`} title={ok ? `within ${PARITY_TOL}` : `above the ${PARITY_TOL} target`}>
      {v.toExponential(2)} {ok ? '✓' : '✗'}
    </td>
  );
}

function EpRow({ r }: { r: EpParity }) {
  const ran = r.ran ? (EP_NAME[r.ran] ?? r.ran) : 'did not run';
  return (
    <tr data-testid={`parity-${r.requested}`} data-ran={r.ran ?? ''}>
      <td>{EP_NAME[r.requested]}</td>
      <td>{ran}</td>
      <Err v={r.image?.maxAbs} />
      <Err v={r.text?.maxAbs} />
      <td className="muted" style={{ fontSize: 12 }}>
        {r.error ? <span className="err">{r.error}</span> : `image: ${placementText(r.image?.placement)}; text: ${placementText(r.text?.placement)}`}
      </td>
    </tr>
  );
}

function Entry({ id, e }: { id: string; e: ExportEntry }) {
  const b = e.bundle;
  const rep = e.report;
  return (
    <div className="onnx-export" data-testid="onnx-export" data-run={id} data-phase={e.phase} data-pass={rep ? String(rep.pass) : ''}>
      <h3>
        {e.label}{' '}
        <span className="muted" style={{ fontWeight: 'normal' }}>
          {e.phase === 'exporting' && '— building the graphs and embedding the check batch on the GPU…'}
          {e.phase === 'checking' && '— running the graphs in onnxruntime-web…'}
          {e.phase === 'done' && rep && (rep.pass ? `— parity ✓ on ${rep.batch} validation pairs` : `— parity check failed (${rep.batch} pairs)`)}
        </span>
      </h3>
      {e.phase === 'error' ? (
        <p className="err" role="alert">
          Export failed: {e.error}
        </p>
      ) : null}
      {rep ? (
        <div className="table-scroll">
          <table className="results compact parity" data-testid="parity-table">
            <caption>
              max |ONNX − app (WGSL)| over the L2-normalised embeddings, target &lt; {PARITY_TOL} · onnxruntime-web {rep.ortVersion}
            </caption>
            <thead>
              <tr>
                <th>EP asked</th>
                <th>EP that ran</th>
                <th>image</th>
                <th>text</th>
                <th>node placement (ORT log)</th>
              </tr>
            </thead>
            <tbody>
              {rep.eps.map((r) => (
                <EpRow key={r.requested} r={r} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {b ? (
        <>
          <p className="muted onnx-summary">
            opset {b.sidecar.opset} · embedding {b.sidecar.embedDim} · image {(b.image.length / 1024).toFixed(0)} KiB, text {(b.text.length / 1024).toFixed(0)} KiB
            {b.sidecar.batchNorm === 'initial' ? ' · ⚠ BatchNorm running statistics were not available: initial values exported' : ''}
          </p>
          <div className="onnx-files">
            <button type="button" className="small" onClick={() => downloadBytes(e.zipName ?? `${id}.onnx.zip`, zipBundle(b), 'application/zip')}>
              Download .zip
            </button>
            <button type="button" className="small" onClick={() => downloadBytes(b.names.image, b.image)}>
              {b.names.image}
            </button>
            <button type="button" className="small" onClick={() => downloadBytes(b.names.text, b.text)}>
              {b.names.text}
            </button>
            <button type="button" className="small" onClick={() => downloadText(b.names.sidecar, JSON.stringify(b.sidecar, null, 2))}>
              {b.names.sidecar}
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}

export function OnnxExports() {
  const exports = useStore((s) => s.exports);
  const ids = Object.keys(exports);
  if (ids.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="onnx-exports-h" data-testid="onnx-exports">
      <h2 id="onnx-exports-h">ONNX exports</h2>
      <p className="muted note">
        Each export holds the image and the text encoder (opset 17, weights as initializers, L2-normalised output) and a sidecar JSON
        (inputs, normalisation, tokenizer, config, these figures). Both graphs are run in onnxruntime-web on the WASM and the WebGPU
        execution providers and compared with this app's own forward on the same validation pairs.
      </p>
      {ids.map((id) => (
        <Entry key={id} id={id} e={exports[id]} />
      ))}
    </section>
  );
}
