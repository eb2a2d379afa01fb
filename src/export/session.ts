// Running an exported encoder with onnxruntime-web: session creation on ONE execution provider (no
// silent fallback list), detection of where the nodes actually ran (ORT's verbose "Node placements"
// log, captured during creation), and chunked embedding of images / token rows.
// The ORT module is passed in (browser: onnxruntime-web/webgpu via ./ort-web.ts; Node tests: the
// package's Node build), so this file imports only its types.
import type * as OrtNs from 'onnxruntime-web';
import { withOrtLog } from './ort-log';
import { IMAGE_INPUT, IMAGE_OUTPUT, TEXT_IDS, TEXT_MASK, TEXT_OUTPUT, maskFromLengths } from './io';

export type Ort = typeof OrtNs;
export type Ep = 'wasm' | 'webgpu';

export interface Placement {
  /** Nodes per execution provider, e.g. { WebGpuExecutionProvider: 180, CPUExecutionProvider: 12 }. */
  byProvider: Record<string, number>;
  /** Op types of the nodes on the CPU provider when the session asked for WebGPU (shape ops are expected there). */
  cpuOps: string[];
}

export interface OrtSession {
  session: OrtNs.InferenceSession;
  requested: Ep;
  /** The provider that ran the bulk of the graph, from the placement log (null when the log was not seen). */
  ran: string | null;
  placement: Placement | null;
}

/** Parse ORT's verbose placement lines (session_state.cc VerifyEachNodeIsAssignedToAnEp). */
export function parsePlacement(lines: string[]): Placement | null {
  const byProvider: Record<string, number> = {};
  const cpuOps = new Set<string>();
  let current: string | null = null;
  let seen = false;
  for (const raw of lines) {
    for (const line of raw.split('\n')) {
      const all = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (all) {
        byProvider[all[1]] = Number(all[2]);
        seen = true;
        current = null;
        continue;
      }
      const some = /Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (some) {
        byProvider[some[1]] = Number(some[2]);
        seen = true;
        current = some[1];
        continue;
      }
      // Listed nodes follow as "  OpType (node_name)" (their own log lines).
      const node = /VerifyEachNodeIsAssignedToAnEp\]\s+(\w+) \(/.exec(line);
      if (node && current === 'CPUExecutionProvider') cpuOps.add(node[1]);
    }
  }
  return seen ? { byProvider, cpuOps: [...cpuOps].sort() } : null;
}

const PROVIDER: Record<Ep, string> = { wasm: 'CPUExecutionProvider', webgpu: 'WebGpuExecutionProvider' };

// In Node, ORT's native log goes straight to stderr (not through console): verbose logging there only floods.
const inNode = typeof process !== 'undefined' && !!process.versions?.node;

/** A session on exactly one EP. For WebGPU, creation throws when the EP cannot start (no fallback to wasm). */
export async function createSession(ort: Ort, bytes: Uint8Array, ep: Ep, readPlacement = !inNode): Promise<OrtSession> {
  const log = readPlacement ? { logSeverityLevel: 0 as const, logVerbosityLevel: 0 } : {};
  const { value: session, lines } = await withOrtLog(() =>
    ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all', ...log }),
  );
  const placement = parsePlacement(lines);
  let ran: string | null = null;
  if (placement) {
    const counts = Object.entries(placement.byProvider).sort((a, b) => b[1] - a[1]);
    const mine = placement.byProvider[PROVIDER[ep]] ?? 0;
    // The requested EP "ran" the model when it holds any compute node; shape ops on the CPU are normal.
    ran = mine > 0 ? ep : counts[0]?.[0] === PROVIDER.wasm ? 'wasm' : (counts[0]?.[0] ?? null);
    if (ep === 'wasm') placement.cpuOps = [];
  }
  return { session, requested: ep, ran, placement };
}

/** Runs log warnings and errors only (the session's verbose level was for its creation). */
const RUN = { logSeverityLevel: 2 as const };

/** Image embeddings (N, E) of normalised images (N, 3, S, S), in chunks of `chunk`. */
export async function embedImagesOrt(ort: Ort, s: OrtSession, images: Float32Array, N: number, S: number, chunk = 32): Promise<Float32Array> {
  const px = 3 * S * S;
  const parts: Float32Array[] = [];
  for (let lo = 0; lo < N; lo += chunk) {
    const n = Math.min(chunk, N - lo);
    const out = await s.session.run({ [IMAGE_INPUT]: new ort.Tensor('float32', images.slice(lo * px, (lo + n) * px), [n, 3, S, S]) }, RUN);
    parts.push(out[IMAGE_OUTPUT].data as Float32Array);
  }
  return concat(parts);
}

/** Text embeddings (N, E) of token rows ids (N, T) with valid lengths (N). */
export async function embedTextsOrt(ort: Ort, s: OrtSession, ids: Int32Array, lengths: Int32Array, N: number, T: number, chunk = 64): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let lo = 0; lo < N; lo += chunk) {
    const n = Math.min(chunk, N - lo);
    const out = await s.session.run({
      [TEXT_IDS]: new ort.Tensor('int64', BigInt64Array.from(ids.subarray(lo * T, (lo + n) * T), (v) => BigInt(v)), [n, T]),
      [TEXT_MASK]: new ort.Tensor('int64', maskFromLengths(lengths.subarray(lo, lo + n), T), [n, T]),
    }, RUN);
    parts.push(out[TEXT_OUTPUT].data as Float32Array);
  }
  return concat(parts);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
