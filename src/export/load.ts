// Loading an exported encoder pair for inference-only use (or one encoder, e.g. a frozen text
// teacher): the user's files (the .onnx pair + sidecar, or the .zip the export downloads) are sorted
// out, the sidecar validated, each .onnx decoded and checked against it. Every failure is an
// OnnxImportError with a message fit for the UI.
import { unzipSync } from 'fflate';
import { type OnnxSummary, checkChecksum, checkIO, encoderKind, inspectOnnx } from './inspect';
import { type OnnxSidecar, OnnxImportError, parseSidecar } from './sidecar';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface LoadedEncoder {
  bytes: Uint8Array;
  summary: OnnxSummary;
}

export interface LoadedPair {
  sidecar: OnnxSidecar;
  image?: LoadedEncoder;
  text?: LoadedEncoder;
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Expand .zip files into their members (one level). */
function expand(files: NamedBytes[]): NamedBytes[] {
  return files.flatMap((f) => {
    if (!isZip(f.bytes)) return [f];
    let members: Record<string, Uint8Array>;
    try {
      members = unzipSync(f.bytes);
    } catch (e) {
      throw new OnnxImportError(`${f.name}: not a readable zip (${(e as Error).message})`);
    }
    return Object.entries(members)
      .filter(([n, b]) => !n.endsWith('/') && b.length > 0)
      .map(([n, b]) => ({ name: n.split('/').pop() ?? n, bytes: b }));
  });
}

/**
 * Sort the files into sidecar + encoders and validate them. `need` lists the encoders that must be
 * present (both for retrieval, ['text'] for a teacher).
 */
export async function loadExport(files: NamedBytes[], need: ('image' | 'text')[] = ['image', 'text']): Promise<LoadedPair> {
  const all = expand(files);
  const jsons = all.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const models = all.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0) throw new OnnxImportError('no sidecar (.onnx.json) among the files: select it together with the .onnx files (or the export .zip)');
  if (jsons.length > 1) throw new OnnxImportError(`several JSON files (${jsons.map((f) => f.name).join(', ')}): select one export's sidecar`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsons[0].bytes);
  } catch {
    throw new OnnxImportError(`${jsons[0].name}: not UTF-8 text`);
  }
  const sidecar = parseSidecar(text);
  const out: LoadedPair = { sidecar };
  for (const f of models) {
    const summary = inspectOnnx(f.bytes, f.name);
    const kind = encoderKind(summary);
    if (!kind) throw new OnnxImportError(`${f.name}: inputs ${summary.inputs.map((v) => v.name).join(', ')} are neither an image encoder's (pixel_values) nor a text encoder's (input_ids)`);
    if (out[kind]) throw new OnnxImportError(`two ${kind} encoders among the files (${f.name} is the second)`);
    checkIO(kind, summary, sidecar);
    out[kind] = { bytes: f.bytes, summary };
  }
  // Checksums last: a shape mismatch says more than "another export".
  for (const k of ['image', 'text'] as const) {
    const e = out[k];
    if (e) await checkChecksum(k, e.bytes, sidecar);
  }
  for (const k of need) {
    if (!out[k]) throw new OnnxImportError(`the ${k} encoder (${sidecar[k].file}) is missing: select it together with the sidecar`);
  }
  return out;
}
