// safetensors (Hugging Face's format): u64 little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {string: string}}, then raw
// little-endian tensor bytes. We write F32, I32 and U8 (the torch engine's raw pixels) only; the reader validates every field so a
// corrupt or hostile file yields a message that says what is wrong, never a crash.

export interface StTensor {
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(`safetensors: ${message}`);
    this.name = 'SafetensorsError';
  }
}

const MAX_HEADER = 100 * 1024 * 1024;

export function encodeSafetensors(tensors: Map<string, StTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name) as StTensor;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`tensor "${name}": shape [${t.shape}] has ${n} elements, data has ${t.data.length}`);
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.data instanceof Int32Array ? 'I32' : t.data instanceof Uint8Array ? 'U8' : 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' '; // align data to 8 bytes (convention)
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const name of names) {
    const t = tensors.get(name) as StTensor;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, StTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes; too short for a header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = Number(dv.getBigUint64(0, true));
  if (hlen > MAX_HEADER || 8 + hlen > bytes.length) throw new SafetensorsError(`header length ${hlen} exceeds the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('header is not a JSON object');
  const data = bytes.subarray(8 + hlen);
  const tensors = new Map<string, StTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, spec] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
        metadata = Object.fromEntries(Object.entries(spec).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      }
      continue;
    }
    const s = spec as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (s?.dtype !== 'F32' && s?.dtype !== 'I32') throw new SafetensorsError(`tensor "${name}": dtype ${String(s?.dtype)} is not supported (F32, I32)`);
    if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`tensor "${name}": bad shape`);
    const off = s.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && o >= 0) || off[1] < off[0] || off[1] > data.length) {
      throw new SafetensorsError(`tensor "${name}": data_offsets ${JSON.stringify(off)} outside the ${data.length}-byte data section`);
    }
    const n = (s.shape as number[]).reduce((a, b) => a * b, 1);
    if ((off[1] - off[0]) !== n * 4) throw new SafetensorsError(`tensor "${name}": ${off[1] - off[0]} bytes for shape [${s.shape}] (${n * 4} expected)`);
    const copy = data.slice(off[0], off[1]); // aligned copy
    tensors.set(name, { shape: s.shape as number[], data: s.dtype === 'I32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer) });
  }
  return { tensors, metadata };
}
