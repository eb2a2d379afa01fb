// "Export ONNX" for a finished run (in its queue row): both encoders + sidecar, checked with
// onnxruntime-web against the app's forward; the figures appear in the ONNX exports panel.
import { exportOnnxRun } from '../../store/client';
import type { RunPhase } from '../../store/runsSlice';
import { useStore } from '../../store/store';

export function OnnxExportButton({ id, label, status }: { id: string; label: string; status: RunPhase }) {
  const e = useStore((s) => s.exports[id]);
  if (status !== 'done' && status !== 'stopped') return null;
  const busy = e?.phase === 'exporting' || e?.phase === 'checking';
  const text = e?.phase === 'exporting' ? 'Exporting…' : e?.phase === 'checking' ? 'Checking…' : 'Export ONNX';
  return (
    <button
      type="button"
      className="small"
      disabled={busy}
      onClick={() => exportOnnxRun(id)}
      aria-label={`Export ONNX of ${label}`}
      title="export the image and text encoders as ONNX (+ sidecar JSON), checked with onnxruntime-web against this app's forward"
    >
      {text}
    </button>
  );
}
