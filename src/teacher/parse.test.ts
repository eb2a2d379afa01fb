import { describe, expect, it } from 'vitest';
import { captionListJsonl, captionOffsets, captionRowsOf, captionsHash, captionsInOrder } from '../data/caption-order';
import { TeacherFileError, checkFeatures, normaliseRows, parseFeatureFile, parseJsonRows, parseNpy, parseNpyHeader, writeNpy } from './parse';

/** A .npy file by hand: any header text, any data bytes. */
function npy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + lenBytes + head.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, head.length, true);
  else dv.setUint32(8, head.length, true);
  out.set(head, 8 + lenBytes);
  out.set(data, 8 + lenBytes + head.length);
  return out;
}

const f32 = (xs: number[], little = true) => {
  const b = new Uint8Array(xs.length * 4);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => {
    dv.setFloat32(i * 4, x, little);
  });
  return b;
};
const f64 = (xs: number[], little = true) => {
  const b = new Uint8Array(xs.length * 8);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => {
    dv.setFloat64(i * 8, x, little);
  });
  return b;
};

const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TeacherFileError);
    return (e as Error).message;
  }
  throw new Error('expected a TeacherFileError');
};

describe('.npy parsing', () => {
  it('round-trips our writer (format 1.0, <f4, header padded to a multiple of 64 bytes as numpy does)', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const bytes = writeNpy(data, 2, 3);
    const h = parseNpyHeader(bytes);
    expect(h).toEqual({ descr: '<f4', fortranOrder: false, shape: [2, 3], dataOffset: 128 });
    const m = parseNpy(bytes, 'a.npy');
    expect([m.rows, m.dim]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads float64, big-endian, Fortran order and format 2.0 headers as numpy writes them', () => {
    const m64 = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", f64([0.5, -1, 1e-3, 7])));
    expect(Array.from(m64.data)).toEqual([0.5, -1, Math.fround(1e-3), 7]);
    const be = parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 3), }\n", f32([1, 2, 3], false)));
    expect(Array.from(be.data)).toEqual([1, 2, 3]);
    // Fortran order: column-major storage of [[1, 2, 3], [4, 5, 6]].
    const fo = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", f32([1, 4, 2, 5, 3, 6])));
    expect(Array.from(fo.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const v2 = parseNpy(npy('{"descr": "<f4", "fortran_order": False, "shape": (1, 2)}\n', f32([8, 9]), 2));
    expect(Array.from(v2.data)).toEqual([8, 9]);
  });

  it('reads a file written by numpy itself (np.save of a Fortran-ordered float64 (2, 3) arange)', () => {
    const bytes = Uint8Array.from(atob('k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA='), (c) => c.charCodeAt(0));
    const m = parseNpy(bytes, 'numpy.npy');
    expect([m.rows, m.dim]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses malformed files with a message naming the file and the problem', () => {
    const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
    expect(err(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'x.npy'))).toBe('x.npy: not a NumPy .npy file (it does not start with "\\x93NUMPY")');
    expect(err(() => parseNpy(npy(ok, f32([1, 2, 3])), 'x.npy'))).toMatch(/^x\.npy: data is truncated: shape \(2, 3\) of <f4 needs 24 bytes, the file has 12/);
    expect(err(() => parseNpy(npy(ok, f32([1, 2, 3, 4, 5, 6, 7])), 'x.npy'))).toMatch(/4 unexpected bytes after/);
    expect(err(() => parseNpy(npy(ok.replace('(2, 3)', '(6,)'), f32([1, 2, 3, 4, 5, 6])), 'x.npy'))).toMatch(/shape \(6\) must be 2-D \(captions, dim\); got 1-D/);
    expect(err(() => parseNpy(npy(ok.replace('(2, 3)', '(1, 2, 3)'), f32([1, 2, 3, 4, 5, 6])), 'x.npy'))).toMatch(/got 3-D/);
    expect(err(() => parseNpy(npy(ok.replace('<f4', '<i8'), new Uint8Array(48)), 'x.npy'))).toMatch(/dtype "<i8" is not supported: save float32 or float64/);
    expect(err(() => parseNpy(npy(ok.replace('<f4', '<f2'), new Uint8Array(12)), 'x.npy'))).toMatch(/dtype "<f2"/);
    expect(err(() => parseNpy(npy(ok.replace("'descr': '<f4', ", ''), f32([1, 2, 3, 4, 5, 6])), 'x.npy'))).toMatch(/no "descr"/);
    expect(err(() => parseNpy(npy(ok.replace('(2, 3)', '(2, x)'), f32([1])), 'x.npy'))).toMatch(/not a tuple of integers/);
    expect(err(() => parseNpy(npy('not a dict', f32([1])), 'x.npy'))).toMatch(/not a Python dict/);
    expect(err(() => parseNpy(npy(ok.replace('(2, 3)', '(0, 3)'), new Uint8Array(0)), 'x.npy'))).toMatch(/is empty/);
    // Header length pointing past the end of the file.
    const bad = npy(ok, f32([1, 2, 3, 4, 5, 6]));
    new DataView(bad.buffer).setUint16(8, 60000, true);
    expect(err(() => parseNpy(bad, 'x.npy'))).toMatch(/truncated \.npy header \(declares 60000 header bytes/);
    const v9 = npy(ok, f32([1, 2, 3, 4, 5, 6]));
    v9[6] = 9;
    expect(err(() => parseNpy(v9, 'x.npy'))).toMatch(/unsupported \.npy format version 9\.0/);
  });
});

describe('JSON rows', () => {
  it('reads an array of rows, or {"embeddings": rows}', () => {
    expect(parseJsonRows('[[1, 2], [3, 4.5], [0, -1]]')).toEqual({ rows: 3, dim: 2, data: Float32Array.from([1, 2, 3, 4.5, 0, -1]) });
    expect(parseJsonRows('{"embeddings": [[1], [2]]}').rows).toBe(2);
    expect(Number.isNaN(parseJsonRows('[[1, null]]').data[1])).toBe(true);
  });

  it('refuses ragged, non-numeric, empty and non-JSON input naming row and column', () => {
    expect(err(() => parseJsonRows('[[1, 2], [3]]', 'e.json'))).toBe('e.json: row 1 has 1 values; row 0 has 2 (every row must have the same width)');
    expect(err(() => parseJsonRows('[[1, 2], [3, "x"]]', 'e.json'))).toBe('e.json: row 1, column 1 is not a number (got "x")');
    expect(err(() => parseJsonRows('[]', 'e.json'))).toBe('e.json: has no rows');
    expect(err(() => parseJsonRows('[1, 2]', 'e.json'))).toMatch(/row 0 is not an array of numbers/);
    expect(err(() => parseJsonRows('{"a": 1}', 'e.json'))).toMatch(/must be a JSON array of rows/);
    expect(err(() => parseJsonRows('[[1, 2]', 'e.json'))).toMatch(/^e\.json: not valid JSON/);
  });

  it('sniffs the format from the bytes', () => {
    expect(parseFeatureFile(writeNpy(Float32Array.of(1, 2), 1, 2), 'whatever.bin').dim).toBe(2);
    expect(parseFeatureFile(new TextEncoder().encode('\ufeff \n[[1,2,3]]'), 'r.json').dim).toBe(3);
    const garbage = Uint8Array.from({ length: 256 }, (_, i) => (i * 131 + 7) & 255);
    expect(err(() => parseFeatureFile(garbage, 'g.npy'))).toBe('g.npy: not a NumPy .npy file (it does not start with "\\x93NUMPY")');
    expect(err(() => parseFeatureFile(garbage, 'g.bin'))).toMatch(/neither a NumPy \.npy file nor a JSON array/);
  });
});

describe('feature checks and normalisation', () => {
  it('checks the row count against the captions, and NaN / zero rows', () => {
    const m = { rows: 3, dim: 2, data: Float32Array.of(1, 0, 0, 2, 3, 4) };
    expect(() => checkFeatures(m, 3, 'f.npy')).not.toThrow();
    expect(err(() => checkFeatures(m, 5, 'f.npy'))).toMatch(/^f\.npy: 3 rows, but the dataset has 5 captions/);
    const nan = { ...m, data: Float32Array.of(1, 0, Number.NaN, 2, 3, Number.POSITIVE_INFINITY) };
    expect(err(() => checkFeatures(nan, 3, 'f.npy'))).toBe('f.npy: 2 rows with NaN or infinite values: row 1, 2');
    const zero = { ...m, data: Float32Array.of(1, 0, 0, 0, 3, 4) };
    expect(err(() => checkFeatures(zero, 3, 'f.npy'))).toMatch(/1 all-zero row .*: row 1$/);
  });

  it('normalises rows to unit RMS (norm √dim)', () => {
    const n = normaliseRows({ rows: 2, dim: 4, data: Float32Array.of(3, 4, 0, 0, 1, 1, 1, 1) });
    expect(Array.from(n.data)).toEqual([1.2, 1.6, 0, 0, 1, 1, 1, 1].map(Math.fround));
  });
});

describe('caption order', () => {
  const captions = [['a', 'b'], ['c'], [], ['d', 'e', 'f']];
  it('numbers captions image after image, in listed order', () => {
    expect(Array.from(captionOffsets(captions))).toEqual([0, 2, 3, 3, 6]);
    expect(Array.from(captionRowsOf(captionOffsets(captions), [3, 0]))).toEqual([3, 4, 5, 0, 1]);
    expect(captionsInOrder(captions)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const lines = captionListJsonl(captions).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[3]).toEqual({ row: 3, image: 3, caption: 'd' });
    expect(lines).toHaveLength(6);
  });
  it('hashes the captions in order', async () => {
    const a = await captionsHash(captions);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await captionsHash([['b', 'a'], ['c'], [], ['d', 'e', 'f']])).not.toBe(a);
  });
});
