// Precomputed caption embeddings for teacher mode: NumPy .npy (float32 / float64, 2-D) or a JSON array
// of rows. One row per caption of the dataset, in the dataset's caption order (./order.ts). Every
// problem is a TeacherFileError whose message names the file and the problem, fit for the UI.
//
// .npy (format 1.0, 2.0, 3.0): magic "\x93NUMPY", major, minor, header length (u16 LE in 1.0, u32 LE
// after), an ASCII/UTF-8 Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }
// padded with spaces and a newline, then the raw data. We accept descr <f4 <f8 >f4 >f8 (and "=" as
// little-endian), C or Fortran order, and nothing else (no int, float16, object or structured arrays).

export class TeacherFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeacherFileError';
  }
}

export interface FeatureMatrix {
  rows: number;
  dim: number;
  /** (rows, dim) row-major. */
  data: Float32Array;
}

/** At most this many values (1 GiB of float32): beyond that a browser tab cannot hold the table. */
export const MAX_VALUES = 2 ** 28;
/** Widest accepted embedding (LLM hidden sizes go to 8192). */
export const MAX_DIM = 16384;

const fail = (file: string, what: string): never => {
  throw new TeacherFileError(`${file}: ${what}`);
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

export const isNpy = (b: Uint8Array) => b.length >= 6 && MAGIC.every((m, i) => b[i] === m);

/** Parse (and check) the header of a .npy file. */
export function parseNpyHeader(bytes: Uint8Array, file = 'file.npy'): NpyHeader {
  if (!isNpy(bytes)) fail(file, 'not a NumPy .npy file (it does not start with "\\x93NUMPY")');
  if (bytes.length < 10) fail(file, 'truncated .npy header');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(file, `unsupported .npy format version ${major}.${bytes[7]} (1.0, 2.0 and 3.0 are read)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(file, 'truncated .npy header');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) fail(file, `truncated .npy header (declares ${hlen} header bytes, the file has ${bytes.length - start})`);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: major === 3 }).decode(bytes.subarray(start, start + hlen));
  } catch {
    return fail(file, '.npy header is not valid UTF-8');
  }
  const dict = header.trim();
  if (!dict.startsWith('{') || !dict.endsWith('}')) fail(file, `.npy header is not a Python dict: ${JSON.stringify(dict.slice(0, 80))}`);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(dict)?.[1];
  if (descr === undefined) fail(file, '.npy header has no "descr" (the dtype)');
  const fo = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(dict)?.[1];
  if (fo === undefined) fail(file, '.npy header has no "fortran_order"');
  const sh = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (sh === undefined) fail(file, '.npy header has no "shape" tuple');
  const parts = (sh as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number.parseInt(p, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) fail(file, `.npy shape (${sh}) is not a tuple of integers`);
  return { descr: descr as string, fortranOrder: fo === 'True', shape, dataOffset: start + hlen };
}

/** A .npy file of caption embeddings → (rows, dim) float32 (float64 is rounded). */
export function parseNpy(bytes: Uint8Array, file = 'file.npy'): FeatureMatrix {
  const h = parseNpyHeader(bytes, file);
  const m = /^([<>=|])f([48])$/.exec(h.descr);
  if (!m) fail(file, `dtype "${h.descr}" is not supported: save float32 or float64 (e.g. np.save(path, emb.astype(np.float32)))`);
  const [, order, size] = m as RegExpExecArray;
  const little = order !== '>';
  const width = Number(size);
  if (h.shape.length !== 2) fail(file, `shape (${h.shape.join(', ')}) must be 2-D (captions, dim); got ${h.shape.length}-D`);
  const [rows, dim] = h.shape;
  if (rows === 0 || dim === 0) fail(file, `shape (${rows}, ${dim}) is empty`);
  if (dim > MAX_DIM) fail(file, `embedding width ${dim} is over the limit of ${MAX_DIM}`);
  if (rows * dim > MAX_VALUES) fail(file, `${rows} × ${dim} values is more than a browser tab can hold (${MAX_VALUES.toLocaleString()})`);
  const need = rows * dim * width;
  const have = bytes.length - h.dataOffset;
  if (have < need) fail(file, `data is truncated: shape (${rows}, ${dim}) of ${h.descr} needs ${need} bytes, the file has ${have}`);
  if (have > need) fail(file, `${have - need} unexpected bytes after the (${rows}, ${dim}) ${h.descr} data`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < dim; c++) {
      // Fortran order stores column by column.
      const k = h.fortranOrder ? c * rows + r : r * dim + c;
      data[r * dim + c] = width === 4 ? dv.getFloat32(k * 4, little) : dv.getFloat64(k * 8, little);
    }
  return { rows, dim, data };
}

/**
 * A JSON array of rows (each an array of numbers, all the same length) → (rows, dim). Also accepted:
 * an object with the rows under "embeddings". NaN/Infinity are not JSON; null entries count as NaN.
 */
export function parseJsonRows(text: string, file = 'file.json'): FeatureMatrix {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return fail(file, `not valid JSON (${(e as Error).message})`);
  }
  if (j && typeof j === 'object' && !Array.isArray(j) && Array.isArray((j as { embeddings?: unknown }).embeddings)) j = (j as { embeddings: unknown }).embeddings;
  if (!Array.isArray(j)) fail(file, 'must be a JSON array of rows (one array of numbers per caption), or {"embeddings": [...]}');
  const arr = j as unknown[];
  if (arr.length === 0) fail(file, 'has no rows');
  const first = arr[0];
  if (!Array.isArray(first)) fail(file, `row 0 is not an array of numbers (got ${JSON.stringify(first)?.slice(0, 40)})`);
  const dim = (first as unknown[]).length;
  if (dim === 0) fail(file, 'row 0 is empty');
  if (dim > MAX_DIM) fail(file, `embedding width ${dim} is over the limit of ${MAX_DIM}`);
  if (arr.length * dim > MAX_VALUES) fail(file, `${arr.length} × ${dim} values is more than a browser tab can hold`);
  const data = new Float32Array(arr.length * dim);
  arr.forEach((row, r) => {
    if (!Array.isArray(row)) fail(file, `row ${r} is not an array of numbers`);
    if ((row as unknown[]).length !== dim) fail(file, `row ${r} has ${(row as unknown[]).length} values; row 0 has ${dim} (every row must have the same width)`);
    (row as unknown[]).forEach((v, c) => {
      if (v === null) data[r * dim + c] = Number.NaN;
      else if (typeof v === 'number') data[r * dim + c] = v;
      else fail(file, `row ${r}, column ${c} is not a number (got ${JSON.stringify(v)?.slice(0, 20)})`);
    });
  });
  return { rows: arr.length, dim, data };
}

/** Sniff the format from the bytes (the name only breaks ties): .npy by its magic, JSON by a leading [ or {. */
export function parseFeatureFile(bytes: Uint8Array, file: string): FeatureMatrix {
  if (isNpy(bytes)) return parseNpy(bytes, file);
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x5b || bytes[i] === 0x7b) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i));
    } catch {
      return fail(file, 'not UTF-8 text');
    }
    return parseJsonRows(text, file);
  }
  if (/\.npy$/i.test(file)) return fail(file, 'not a NumPy .npy file (it does not start with "\\x93NUMPY")');
  return fail(file, 'neither a NumPy .npy file nor a JSON array of rows (unrecognised bytes)');
}

/**
 * Check a feature table against the dataset: the row count must equal the number of captions, and every
 * row must be finite and non-zero. Messages list the first offending rows.
 */
export function checkFeatures(m: FeatureMatrix, expectedRows: number, file: string): void {
  if (m.rows !== expectedRows) {
    fail(
      file,
      `${m.rows} rows, but the dataset has ${expectedRows} captions: the file needs one row per caption, in the dataset's caption order (download the caption list from the teacher panel)`,
    );
  }
  const bad: number[] = [];
  const zero: number[] = [];
  let nBad = 0;
  let nZero = 0;
  for (let r = 0; r < m.rows; r++) {
    let finite = true;
    let any = false;
    for (let c = 0; c < m.dim; c++) {
      const v = m.data[r * m.dim + c];
      if (!Number.isFinite(v)) finite = false;
      else if (v !== 0) any = true;
    }
    if (!finite) {
      nBad++;
      if (bad.length < 5) bad.push(r);
    } else if (!any) {
      nZero++;
      if (zero.length < 5) zero.push(r);
    }
  }
  const list = (rs: number[], n: number) => `${rs.join(', ')}${n > rs.length ? `, … (${n} in all)` : ''}`;
  if (nBad) fail(file, `${nBad} row${nBad > 1 ? 's' : ''} with NaN or infinite values: row ${list(bad, nBad)}`);
  if (nZero) fail(file, `${nZero} all-zero row${nZero > 1 ? 's' : ''} (an embedding cannot be zero): row ${list(zero, nZero)}`);
}

/**
 * The frozen features as the adapter sees them: each row L2-normalised (as LLM2CLIP normalises its LLM
 * embeddings) and scaled by √dim, so its entries have unit RMS like a LayerNorm output — the scale our
 * weight initialisations assume. Computed in float64, stored float32.
 */
export function normaliseRows(m: FeatureMatrix): FeatureMatrix {
  const { rows, dim } = m;
  const out = new Float32Array(rows * dim);
  const s = Math.sqrt(dim);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let c = 0; c < dim; c++) n += m.data[r * dim + c] ** 2;
    const k = s / Math.max(Math.sqrt(n), 1e-30);
    for (let c = 0; c < dim; c++) out[r * dim + c] = m.data[r * dim + c] * k;
  }
  return { rows, dim, data: out };
}

/** A .npy (format 1.0, little-endian float32) of a (rows, dim) table: what a teacher file looks like. */
export function writeNpy(data: Float32Array, rows: number, dim: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += `${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
