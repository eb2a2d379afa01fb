// The built-in parity check of an export: run both graphs in onnxruntime-web on a validation batch,
// on the wasm EP and on the WebGPU EP where it starts, and compare with the app's own WGSL forward
// (the worker's embedImages / embedTexts on the same inputs). Max absolute error per encoder and EP.
import { type Ep, type Ort, type Placement, createSession, embedImagesOrt, embedTextsOrt } from './session';

/** fp32 target for max |ONNX − WGSL| over the embedding entries. */
export const PARITY_TOL = 1e-4;

export interface EpParity {
  requested: Ep;
  /** The provider that ran the graph ('wasm' | 'webgpu'), or null when it could not start or was not detected. */
  ran: string | null;
  /** Why the EP could not run, if it could not. */
  error?: string;
  image?: { maxAbs: number; placement: Placement | null; ms: number };
  text?: { maxAbs: number; placement: Placement | null; ms: number };
}

export interface ParityReport {
  /** Validation pairs compared (images and their first captions). */
  batch: number;
  reference: string;
  tolerance: number;
  eps: EpParity[];
  /** Every EP that ran is within tolerance for both encoders, and at least one ran. */
  pass: boolean;
  ortVersion: string;
}

export interface ParityBatch {
  /** (n, 3, S, S) normalised. */
  images: Float32Array;
  S: number;
  /** (n, T) token ids and valid lengths. */
  ids: Int32Array;
  lengths: Int32Array;
  T: number;
  n: number;
  /** The reference embeddings (n, E) from the app's WGSL forward. */
  refImage: Float32Array;
  refText: Float32Array;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`parity: ${a.length} vs ${b.length} values`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as the max
  }
  return m;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function oneEp(ort: Ort, ep: Ep, image: Uint8Array, text: Uint8Array, b: ParityBatch): Promise<EpParity> {
  const r: EpParity = { requested: ep, ran: null };
  try {
    const si = await createSession(ort, image, ep);
    const [img, msI] = await timed(() => embedImagesOrt(ort, si, b.images, b.n, b.S));
    await si.session.release();
    const st = await createSession(ort, text, ep);
    const [txt, msT] = await timed(() => embedTextsOrt(ort, st, b.ids, b.lengths, b.n, b.T));
    await st.session.release();
    r.image = { maxAbs: maxAbsDiff(img, b.refImage), placement: si.placement, ms: msI };
    r.text = { maxAbs: maxAbsDiff(txt, b.refText), placement: st.placement, ms: msT };
    // Both sessions were created on this EP alone; the placement log says whether it took compute nodes.
    const ran = [...new Set([si.ran, st.ran])];
    // wasm has nowhere to fall back to; without a placement log (Node) it is still the wasm EP that ran.
    r.ran = ran.length === 1 && ran[0] !== null ? ran[0] : ep === 'wasm' && ran.every((x) => x === null || x === 'wasm') ? 'wasm' : null;
    if (ep === 'webgpu' && r.ran !== 'webgpu') {
      r.error = ran.every((x) => x === null)
        ? 'ORT reported no node placement: cannot confirm that the WebGPU EP ran'
        : `ORT placed the compute on ${ran.map((x) => x ?? 'unknown').join(' / ')}, not WebGPU (silent fallback)`;
    }
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
  }
  return r;
}

/** Parity on each EP in turn (wasm first: it always exists). */
export async function checkParity(ort: Ort, image: Uint8Array, text: Uint8Array, b: ParityBatch, eps: Ep[] = ['wasm', 'webgpu']): Promise<ParityReport> {
  const results: EpParity[] = [];
  for (const ep of eps) results.push(await oneEp(ort, ep, image, text, b));
  const ran = results.filter((r) => r.image && r.text);
  const pass = ran.length > 0 && ran.every((r) => (r.image?.maxAbs ?? Infinity) < PARITY_TOL && (r.text?.maxAbs ?? Infinity) < PARITY_TOL);
  return {
    batch: b.n,
    reference: 'ShareLab WGSL forward (WebGPU, inference mode)',
    tolerance: PARITY_TOL,
    eps: results,
    pass,
    ortVersion: ort.env.versions?.web ?? ort.env.versions?.common ?? 'unknown',
  };
}
