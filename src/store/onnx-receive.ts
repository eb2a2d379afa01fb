// The page's side of an export: the worker sends the graphs, the sidecar and its own (WGSL) embeddings
// of a validation batch; here onnxruntime-web runs both graphs on that batch (wasm, then WebGPU), the
// figures go into the sidecar and the UI, and the zip of the three files is downloaded.
import { zipSync } from 'fflate';
import { downloadBytes } from '../util/download';
import type { ExportBundle } from '../export/bundle';
import type { OnnxExportReply } from '../export/messages';
import { loadOrt } from '../export/ort-web';
import { type ParityReport, checkParity } from '../export/parity';
import { useStore } from './store';

export function zipBundle(b: ExportBundle): Uint8Array {
  return zipSync({
    [b.names.image]: b.image,
    [b.names.text]: b.text,
    [b.names.sidecar]: new TextEncoder().encode(JSON.stringify(b.sidecar, null, 2)),
  });
}

export async function onOnnxExport(m: OnnxExportReply): Promise<void> {
  if (!m.ok) {
    useStore.getState().patchExport(m.id, { phase: 'error', error: m.error });
    return;
  }
  const { bundle, parity } = m;
  useStore.getState().patchExport(m.id, { phase: 'checking', bundle });
  let report: ParityReport;
  try {
    const ort = await loadOrt();
    report = await checkParity(ort, bundle.image, bundle.text, parity);
  } catch (e) {
    // The files are still good; say why they could not be checked.
    report = {
      batch: parity.n,
      reference: 'ShareLab WGSL forward (WebGPU, inference mode)',
      tolerance: 1e-4,
      eps: [{ requested: 'wasm', ran: null, error: `onnxruntime-web did not load: ${e instanceof Error ? e.message : String(e)}` }],
      pass: false,
      ortVersion: 'unknown',
    };
  }
  bundle.sidecar.parity = report;
  const zipName = bundle.names.sidecar.replace(/\.onnx\.json$/, '.onnx.zip');
  useStore.getState().patchExport(m.id, { phase: 'done', bundle, report, zipName });
  if (useStore.getState().exports[m.id]) downloadBytes(zipName, zipBundle(bundle), 'application/zip');
}
