// The JSON sidecar written next to an exported encoder pair: everything a consumer needs to feed the
// graphs (input names, dtypes, shapes; image normalisation; the tokenizer and how lengths / the EOT
// position follow from attention_mask), the model config, the run, checksums tying it to its .onnx
// files, and the parity figures. A ShareLab text encoder plus this file is a usable frozen teacher.
import type { BpeJSON } from '../data/tokenizer';
import { BpeTokenizer, EOT_ID, PAD_ID, SOT_ID } from '../data/tokenizer';
import type { ClipConfig } from '../model/config';
import type { ValueSpec } from './graph';
import { IMAGE_INPUT, IMAGE_OUTPUT, TEXT_IDS, TEXT_MASK, TEXT_OUTPUT } from './io';
import type { ParityReport } from './parity';

export const SIDECAR_FORMAT = 'sharelab-onnx/1';

export interface EncoderFile {
  file: string;
  bytes: number;
  /** Hex SHA-256 of the .onnx file. */
  sha256: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

export interface OnnxSidecar {
  format: typeof SIDECAR_FORMAT;
  producer: string;
  createdAt: string;
  opset: number;
  run?: { id: string; label: string; preset: string; seed: number; step: number };
  config: ClipConfig;
  embedDim: number;
  image: EncoderFile & {
    imageSize: number;
    layout: 'NCHW';
    channels: 'RGB';
    /** x = (pixel / 255 − mean[c]) / std[c]. */
    normalization: { mean: [number, number, number]; std: [number, number, number] };
    pool: 'cls' | 'mean';
  };
  text: EncoderFile & {
    contextLength: number;
    causal: boolean;
    tokenizer: BpeJSON;
    specialTokens: { pad: number; sot: number; eot: number };
    /** How the graph reads attention_mask. */
    lengthRule: string;
  };
  /** Where the BatchNorm running statistics came from (conv stem / parallel branch). */
  batchNorm: 'model' | 'initial' | 'none';
  parity?: ParityReport;
}

export const LENGTH_RULE =
  'L = clamp(sum(attention_mask[b]), 1, T); keys j >= L are masked (and j > i when causal); the embedding is read at token L - 1, the <|eot|> token. Rows are <|sot|> tokens… <|eot|> then <|pad|> (id 0) with mask 1 up to and including <|eot|>.';

export class OnnxImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxImportError';
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

// ------------------------------------------------------------------ validation of a loaded sidecar

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);

function need<T>(ok: boolean, what: string, value?: T): void {
  if (!ok) throw new OnnxImportError(`sidecar: ${what}${value !== undefined ? ` (got ${JSON.stringify(value)?.slice(0, 80)})` : ''}`);
}

function valueSpecs(x: unknown, where: string): ValueSpec[] {
  need(Array.isArray(x) && x.length > 0, `${where} must be a non-empty list of {name, dtype, shape}`, x);
  return (x as unknown[]).map((v, i) => {
    need(isObj(v) && typeof v.name === 'string' && typeof v.dtype === 'string' && Array.isArray(v.shape), `${where}[${i}] must be {name, dtype, shape}`, v);
    const o = v as Obj;
    need((o.shape as unknown[]).every((d) => (Number.isInteger(d) && (d as number) > 0) || typeof d === 'string'), `${where}[${i}].shape must hold positive integers or names`, o.shape);
    return { name: o.name as string, dtype: o.dtype as ValueSpec['dtype'], shape: o.shape as (number | string)[] };
  });
}

function encoderFile(x: unknown, where: string): void {
  need(isObj(x), `"${where}" section is missing`);
  const e = x as Obj;
  need(typeof e.file === 'string', `${where}.file must be a file name`, e.file);
  need(typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256 as string), `${where}.sha256 must be a hex SHA-256`, e.sha256);
  need(Number.isInteger(e.bytes) && (e.bytes as number) > 0, `${where}.bytes must be a positive integer`, e.bytes);
  e.inputs = valueSpecs(e.inputs, `${where}.inputs`);
  e.outputs = valueSpecs(e.outputs, `${where}.outputs`);
}

const triple = (x: unknown) => Array.isArray(x) && x.length === 3 && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Parse and validate a sidecar; every problem is an OnnxImportError naming the field. */
export function parseSidecar(text: string): OnnxSidecar {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new OnnxImportError(`sidecar: not valid JSON (${(e as Error).message})`);
  }
  need(isObj(j), 'must be a JSON object');
  const s = j as Obj;
  need(s.format === SIDECAR_FORMAT, `format must be "${SIDECAR_FORMAT}" — is this a ShareLab ONNX sidecar?`, s.format);
  need(Number.isInteger(s.embedDim) && (s.embedDim as number) > 0, 'embedDim must be a positive integer', s.embedDim);
  need(isObj(s.config) && isObj((s.config as Obj).vision) && isObj((s.config as Obj).text), 'config (the model config) is missing');
  encoderFile(s.image, 'image');
  encoderFile(s.text, 'text');
  const im = s.image as Obj;
  need(Number.isInteger(im.imageSize) && (im.imageSize as number) > 0, 'image.imageSize must be a positive integer', im.imageSize);
  need(isObj(im.normalization) && triple((im.normalization as Obj).mean) && triple((im.normalization as Obj).std), 'image.normalization needs mean and std (3 numbers each)', im.normalization);
  need(((im.normalization as Obj).std as number[]).every((v) => v > 0), 'image.normalization.std must be positive');
  const tx = s.text as Obj;
  need(Number.isInteger(tx.contextLength) && (tx.contextLength as number) > 1, 'text.contextLength must be an integer > 1', tx.contextLength);
  try {
    BpeTokenizer.fromJSON(tx.tokenizer as BpeJSON);
  } catch (e) {
    throw new OnnxImportError(`sidecar: text.tokenizer is not usable (${(e as Error).message})`);
  }
  const sp = tx.specialTokens as Obj | undefined;
  need(isObj(sp) && sp.pad === PAD_ID && sp.sot === SOT_ID && sp.eot === EOT_ID, 'text.specialTokens must be {pad: 0, sot: 1, eot: 2}', sp);
  const sidecar = s as unknown as OnnxSidecar;
  const names = (v: ValueSpec[]) => v.map((x) => x.name).join(',');
  need(names(sidecar.image.inputs) === IMAGE_INPUT && names(sidecar.image.outputs) === IMAGE_OUTPUT, `image encoder I/O must be ${IMAGE_INPUT} → ${IMAGE_OUTPUT}`);
  need(names(sidecar.text.inputs) === `${TEXT_IDS},${TEXT_MASK}` && names(sidecar.text.outputs) === TEXT_OUTPUT, `text encoder I/O must be ${TEXT_IDS}, ${TEXT_MASK} → ${TEXT_OUTPUT}`);
  const inShape = sidecar.image.inputs[0].shape;
  need(inShape.length === 4 && inShape[1] === 3 && inShape[2] === sidecar.image.imageSize && inShape[3] === sidecar.image.imageSize, 'image input shape must be [batch, 3, imageSize, imageSize]', inShape);
  for (const [v, what] of [
    [sidecar.text.inputs[0], 'input_ids'],
    [sidecar.text.inputs[1], 'attention_mask'],
  ] as const) {
    need(v.shape.length === 2 && v.shape[1] === sidecar.text.contextLength, `text ${what} shape must be [batch, contextLength]`, v.shape);
  }
  for (const o of [sidecar.image.outputs[0], sidecar.text.outputs[0]]) {
    need(o.shape.length === 2 && o.shape[1] === sidecar.embedDim, `${o.name} shape must be [batch, embedDim]`, o.shape);
  }
  return sidecar;
}
