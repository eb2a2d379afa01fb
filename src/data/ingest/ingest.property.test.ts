// Property: random corruption of metadata lines (garbage lines inserted, lines truncated, fields
// deleted, invalid UTF-8 bytes, lines replaced) never makes ingest throw, and every pair whose
// metadata line was left untouched still loads with its caption.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cat, png, utf8 } from './fixtures';
import { ingest } from './ingest';

type Op =
  | { kind: 'keep' }
  | { kind: 'truncate'; at: number }
  | { kind: 'dropField'; field: 'file' | 'text' }
  | { kind: 'badUtf8'; at: number; bytes: number[] }
  | { kind: 'replace'; bytes: number[] };

const noNewline = (b: number[]) => b.filter((x) => x !== 0x0a);
const badSeq: fc.Arbitrary<number[]> = fc.constantFrom<number[]>([0xc3, 0x28], [0xff], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0x80], [0xed, 0xa0, 0x80]);
const garbage = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => noNewline([...utf8(s)])),
  fc.uint8Array({ maxLength: 40 }).map((b) => noNewline([...b])),
  fc.constantFrom('{', '{"file_name":', '"', ',,,', '[]', 'null', '{"text":"x"}', 'file_name,text', '"a,"b').map((s) => [...utf8(s)]),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'keep' } as Op) },
  { weight: 1, arbitrary: fc.nat(60).map((at) => ({ kind: 'truncate', at }) as Op) },
  { weight: 1, arbitrary: fc.constantFrom('file', 'text').map((field) => ({ kind: 'dropField', field }) as Op) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(60), bytes: badSeq }).map((r) => ({ kind: 'badUtf8', ...r }) as Op) },
  { weight: 1, arbitrary: garbage.map((bytes) => ({ kind: 'replace', bytes }) as Op) },
);

const dataset = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  ops: fc.array(op, { minLength: 8, maxLength: 8 }),
  inserts: fc.array(fc.record({ before: fc.nat(8), bytes: garbage }), { maxLength: 6 }),
  crlf: fc.boolean(),
});

interface Dataset {
  n: number;
  ops: Op[];
  inserts: { before: number; bytes: number[] }[];
  crlf: boolean;
}

function build(format: 'jsonl' | 'csv', d: Dataset) {
  const caption = (i: number) => `caption number ${i}, with a comma`;
  const line = (i: number, op: Op): Uint8Array => {
    const file = `img${i}.png`;
    const text = caption(i);
    if (op.kind === 'dropField') {
      if (format === 'jsonl') return utf8(JSON.stringify(op.field === 'file' ? { text } : { file_name: file }));
      return utf8(op.field === 'file' ? `"${text}"` : file);
    }
    const full = utf8(format === 'jsonl' ? JSON.stringify({ file_name: file, text }) : `${file},"${text}"`);
    if (op.kind === 'truncate') return full.subarray(0, Math.min(op.at, full.length - 1));
    if (op.kind === 'badUtf8') {
      const at = Math.min(op.at, full.length);
      return cat(full.subarray(0, at), op.bytes, full.subarray(at));
    }
    if (op.kind === 'replace') return new Uint8Array(op.bytes);
    return full;
  };
  const lines: Uint8Array[] = format === 'csv' ? [utf8('file_name,text')] : [];
  const untouched: number[] = [];
  for (let i = 0; i < d.n; i++) {
    for (const ins of d.inserts) if (ins.before === i) lines.push(new Uint8Array(ins.bytes));
    lines.push(line(i, d.ops[i]));
    if (d.ops[i].kind === 'keep') untouched.push(i);
  }
  for (const ins of d.inserts) if (ins.before >= d.n) lines.push(new Uint8Array(ins.bytes));
  const nl = d.crlf ? [0x0d, 0x0a] : [0x0a];
  const meta = cat(...lines.flatMap((l) => [l, nl]));
  const files = [{ path: `ds/metadata.${format}`, bytes: meta }];
  for (let i = 0; i < d.n; i++) files.push({ path: `ds/img${i}.png`, bytes: png(i) });
  return { files, untouched, caption };
}

describe('property: corrupted metadata never loses an untouched pair', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`metadata.${format}`, () => {
      fc.assert(
        fc.property(dataset, (d) => {
          const { files, untouched, caption } = build(format, d);
          const r = ingest(files); // must not throw
          const byPath = new Map(r.pairs.map((p) => [p.imagePath, p.captions]));
          for (const i of untouched) expect(byPath.get(`ds/img${i}.png`)).toContain(caption(i));
          // Every image is either loaded or reported; the report's counts add up.
          for (let i = 0; i < d.n; i++) {
            const p = `ds/img${i}.png`;
            expect(byPath.has(p) || r.report.skipped.some((s) => s.file === p)).toBe(true);
          }
          expect(Object.values(r.report.counts).reduce((a, b) => a + b, 0)).toBe(r.report.skipped.length);
          expect(r.report.loaded).toBe(r.pairs.length);
        }),
        { numRuns: Number(process.env.INGEST_RUNS ?? 400), seed: process.env.INGEST_RUNS ? undefined : 20240611 },
      );
    });
  }
});
