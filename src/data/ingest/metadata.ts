// Caption metadata parsers: JSON Lines (ImageFolder metadata.jsonl), CSV/TSV (ImageFolder metadata.csv
// or any image-path + caption table; papaparse does the field splitting) and JSON (COCO captions,
// a list of records, or a per-image caption object). Each parser turns one file into caption records
// and reports every line it cannot use; it never throws.
import Papa from 'papaparse';
import { IMAGE_EXTENSIONS } from './magic';
import { cleanCaption, decodeLines, decodeLossy, decodeUtf8, dirname, extname } from './text';
import type { Skip } from './types';

/** One caption for one image reference, as written in a metadata file. */
export interface CaptionRecord {
  /** Image path as written (resolved later against `dir`, then the root, then a unique basename). */
  ref: string;
  dir: string;
  caption: string;
  file: string;
  line?: number;
  /** Location inside a JSON document, e.g. "annotations[3]". */
  where?: string;
}

type Emit = (r: CaptionRecord) => void;
type Report = (s: Skip) => void;

/** Column/field names, in priority order. */
export const IMAGE_KEYS = [
  'file_name', 'filename', 'file', 'image', 'image_path', 'imagepath', 'image_file', 'image_name',
  'img', 'img_path', 'filepath', 'file_path', 'path',
];
export const CAPTION_KEYS = ['text', 'caption', 'captions', 'sentence', 'sentences', 'description', 'prompt'];

const firstKey = (obj: Record<string, unknown>, keys: string[]) => keys.find((k) => k in obj);

/**
 * Caption value of a record: a string, a string array, or (CSV) a JSON-encoded string array.
 * Empty strings are reported and dropped; returns null when the value has the wrong type.
 */
function captionsOf(v: unknown, at: { file: string; line?: number; where?: string }, report: Report): string[] | null {
  let list: unknown[];
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('[') && t.endsWith(']')) {
      try {
        const parsed = JSON.parse(t);
        list = Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : [v];
      } catch {
        list = [v];
      }
    } else list = [v];
  } else if (Array.isArray(v)) list = v;
  else return null;
  const out: string[] = [];
  list.forEach((c, k) => {
    const suffix = list.length > 1 ? ` (caption ${k + 1} of ${list.length})` : '';
    if (typeof c !== 'string') {
      report({ ...at, reason: 'malformed-metadata', detail: `caption is a ${typeof c}, not a string${suffix}` });
      return;
    }
    const clean = cleanCaption(c);
    if (!clean) report({ ...at, reason: 'empty-caption', detail: `empty or whitespace caption${suffix}` });
    else out.push(clean);
  });
  return out;
}

/** One metadata record (JSONL line or JSON array element) → caption records. */
function recordCaptions(obj: unknown, at: { file: string; line?: number; where?: string }, dir: string, emit: Emit, report: Report) {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    report({ ...at, reason: 'malformed-metadata', detail: 'record is not a JSON object' });
    return;
  }
  const rec = obj as Record<string, unknown>;
  const ik = firstKey(rec, IMAGE_KEYS);
  const ck = firstKey(rec, CAPTION_KEYS);
  if (!ik || typeof rec[ik] !== 'string' || !(rec[ik] as string).trim()) {
    report({ ...at, reason: 'malformed-metadata', detail: ik ? `"${ik}" is not a non-empty string` : 'no file_name field' });
    return;
  }
  if (!ck) {
    report({ ...at, reason: 'malformed-metadata', detail: `no caption field (${CAPTION_KEYS.join('/')}) for ${rec[ik]}` });
    return;
  }
  const caps = captionsOf(rec[ck], at, report);
  if (caps === null) {
    report({ ...at, reason: 'malformed-metadata', detail: `"${ck}" is neither a string nor a list of strings` });
    return;
  }
  for (const caption of caps) emit({ ...at, ref: (rec[ik] as string).trim(), dir, caption });
}

export function parseJsonl(file: string, bytes: Uint8Array, emit: Emit, report: Report) {
  const dir = dirname(file);
  decodeLines(bytes).forEach((text, i) => {
    const line = i + 1;
    if (text === null) {
      report({ file, line, reason: 'invalid-utf8', detail: 'line is not valid UTF-8' });
      return;
    }
    if (!text.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      report({ file, line, reason: 'malformed-metadata', detail: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    recordCaptions(obj, { file, line }, dir, emit, report);
  });
}

// ---------------------------------------------------------------------------------------------- CSV

/** RFC 4180 state at the end of `text`: is a quoted field still open? */
function quoteOpen(text: string, delimiter: string, open: boolean): boolean {
  let atFieldStart = !open;
  let inQuotes = open;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      }
    } else if (atFieldStart && c === '"') {
      inQuotes = true;
      atFieldStart = false;
    } else atFieldStart = c === delimiter;
  }
  return inQuotes;
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** Logical records with their first line number; a quoted field may span up to 50 lines. */
function csvRecords(lines: (string | null)[], delimiter: string, file: string, report: Report): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i];
    if (first === null || !first.trim()) {
      i++;
      continue;
    }
    let text = first;
    let j = i;
    let open = quoteOpen(first, delimiter, false);
    while (open && j + 1 < lines.length && j - i < 50 && lines[j + 1] !== null) {
      j++;
      text += `\n${lines[j]}`;
      open = quoteOpen(lines[j] as string, delimiter, true);
    }
    const parsed = open ? null : Papa.parse<string[]>(text, { delimiter, header: false });
    // A record spanning lines must also have the header's width, else the opening quote was
    // probably a stray one and the lines after it are records of their own.
    const widthOk = j === i || out.length === 0 || parsed?.data[0]?.length === out[0].fields.length;
    if (!parsed || parsed.errors.length > 0 || parsed.data.length !== 1 || !widthOk) {
      // Not a readable record: report the first line only and resync on the next one, so a stray
      // quote cannot swallow the lines after it.
      const why = open ? 'unclosed quoted field' : (parsed?.errors[0]?.message ?? (widthOk ? 'unreadable record' : 'stray quote: record spans lines with the wrong number of fields'));
      report({ file, line: i + 1, reason: 'malformed-metadata', detail: why });
      i++;
      continue;
    }
    out.push({ line: i + 1, fields: parsed.data[0] });
    i = j + 1;
  }
  return out;
}

function guessDelimiter(lines: (string | null)[]): string {
  const sample = lines.filter((l): l is string => l !== null && l.trim() !== '').slice(0, 10).join('\n');
  const d = Papa.parse(sample, { preview: 10 }).meta.delimiter;
  return d && d.length === 1 ? d : ',';
}

const looksLikeImagePath = (s: string) => IMAGE_EXTENSIONS.has(extname(s.trim().replace(/#\d+$/, '')));

/**
 * CSV/TSV of image paths and captions. Header detected by known column names; without a header
 * the image column is the one whose values look like image paths and the caption column the other
 * column with the longest text. Returns false when the file has no image-path column at all
 * (the caller decides whether that is an error).
 */
export function parseCsv(
  file: string,
  bytes: Uint8Array,
  emit: Emit,
  report: Report,
  opts: { tsv?: boolean; quietIfNotTable?: boolean } = {},
): boolean {
  const dir = dirname(file);
  const lines = decodeLines(bytes);
  const badLines: Skip[] = [];
  lines.forEach((l, i) => {
    if (l === null) badLines.push({ file, line: i + 1, reason: 'invalid-utf8', detail: 'line is not valid UTF-8' });
  });
  const delimiter = opts.tsv ? '\t' : guessDelimiter(lines);
  const pending: Skip[] = [];
  const records = csvRecords(lines, delimiter, file, (s) => pending.push(s));
  const flush = () => {
    for (const s of [...badLines, ...pending].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))) report(s);
  };
  if (records.length === 0) {
    if (opts.quietIfNotTable) return false;
    flush();
    return true;
  }
  const head = records[0].fields.map((c) => c.replace(/^\uFEFF/, '').trim().toLowerCase());
  let imgIdx = IMAGE_KEYS.map((k) => head.indexOf(k)).find((i) => i >= 0) ?? -1;
  let capIdx = CAPTION_KEYS.map((k) => head.indexOf(k)).find((i) => i >= 0) ?? -1;
  const hasHeader = imgIdx >= 0 || capIdx >= 0;
  const width = head.length;
  const body = hasHeader ? records.slice(1) : records;
  if (!hasHeader) {
    const sample = body.slice(0, 20);
    const score = (c: number) => sample.filter((r) => c < r.fields.length && looksLikeImagePath(r.fields[c])).length;
    let best = -1;
    for (let c = 0; c < width; c++) if (score(c) * 2 > sample.length && (best < 0 || score(c) > score(best))) best = c;
    imgIdx = best;
  }
  if (imgIdx < 0 && capIdx >= 0 && width === 2) imgIdx = 1 - capIdx;
  if (imgIdx >= 0 && capIdx < 0) {
    const len = (c: number) => body.slice(0, 20).reduce((s, r) => s + (r.fields[c]?.length ?? 0), 0);
    for (let c = 0; c < width; c++) if (c !== imgIdx && (capIdx < 0 || len(c) > len(capIdx))) capIdx = c;
  }
  if (imgIdx < 0 || capIdx < 0) {
    if (opts.quietIfNotTable) return false;
    flush();
    report({
      file,
      line: records[0].line,
      reason: 'malformed-metadata',
      detail: imgIdx < 0 ? 'no image-path column found (header or values ending in an image extension)' : 'no caption column found',
    });
    return true;
  }
  flush();
  for (const r of body) {
    let f = r.fields;
    // Unquoted delimiters inside a last-column caption: glue the tail back together.
    if (f.length > width && capIdx === width - 1) f = [...f.slice(0, capIdx), f.slice(capIdx).join(delimiter)];
    if (f.length !== width) {
      report({ file, line: r.line, reason: 'malformed-metadata', detail: `expected ${width} fields, found ${f.length}` });
      continue;
    }
    const ref = f[imgIdx].trim();
    if (!ref) {
      report({ file, line: r.line, reason: 'malformed-metadata', detail: 'empty image path' });
      continue;
    }
    const caps = captionsOf(f[capIdx], { file, line: r.line }, report);
    for (const caption of caps ?? []) emit({ ref, dir, caption, file, line: r.line });
  }
  return true;
}

// --------------------------------------------------------------------------------------------- JSON

export type JsonKind = 'coco' | 'records' | 'sidecar' | 'unknown' | 'broken';

/** 1-based line of a JSON.parse error, from "position N" or "line N" in the engine's message. */
function errorLine(text: string, msg: string): number | undefined {
  const m = /line (\d+)/.exec(msg);
  if (m) return Number(m[1]);
  const p = /position (\d+)/.exec(msg);
  if (p) return text.slice(0, Number(p[1])).split('\n').length;
  return undefined;
}

/**
 * A .json file: COCO captions ({images, annotations}), a list of records like metadata.jsonl, or
 * an object with a caption field (a sidecar for the image with the same stem: `sidecar` gets its
 * captions). Invalid UTF-8 costs only the captions that contain it.
 */
export function parseJson(
  file: string,
  bytes: Uint8Array,
  emit: Emit,
  report: Report,
  sidecar: (captions: string[]) => void,
): JsonKind {
  const dir = dirname(file);
  let text = decodeUtf8(bytes);
  const badUtf8 = text === null;
  if (text === null) {
    text = decodeLossy(bytes);
    const bad = decodeLines(bytes).flatMap((l, i) => (l === null ? [i + 1] : []));
    report({ file, line: bad[0], reason: 'invalid-utf8', detail: `invalid UTF-8 on line(s) ${bad.slice(0, 10).join(', ')}; captions containing it are skipped` });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    report({ file, line: errorLine(text, msg), reason: 'malformed-metadata', detail: `invalid JSON: ${msg}` });
    return 'broken';
  }
  // Captions with U+FFFD only come from the bad bytes when the file had some.
  const utf8Ok = (c: string, at: { file: string; where?: string }) => {
    if (badUtf8 && c.includes('\uFFFD')) {
      report({ ...at, reason: 'invalid-utf8', detail: 'caption contains invalid UTF-8' });
      return false;
    }
    return true;
  };
  const emitChecked: Emit = (r) => {
    if (utf8Ok(r.caption, r)) emit(r);
  };
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.images) && Array.isArray(o.annotations)) {
      parseCoco(file, dir, o.images, o.annotations, emitChecked, report);
      return 'coco';
    }
    const ck = firstKey(o, CAPTION_KEYS);
    if (ck) {
      const caps = captionsOf(o[ck], { file }, report);
      if (caps === null) report({ file, reason: 'malformed-metadata', detail: `"${ck}" is neither a string nor a list of strings` });
      else sidecar(caps.filter((c) => utf8Ok(c, { file })));
      return 'sidecar';
    }
    return 'unknown';
  }
  if (Array.isArray(doc)) {
    doc.forEach((rec, i) => {
      recordCaptions(rec, { file, where: `[${i}]` }, dir, emitChecked, report);
    });
    return 'records';
  }
  return 'unknown';
}

function parseCoco(file: string, dir: string, images: unknown[], annotations: unknown[], emit: Emit, report: Report) {
  const names = new Map<unknown, string>();
  images.forEach((im, i) => {
    const r = im as Record<string, unknown> | null;
    if (!r || typeof r !== 'object' || (typeof r.id !== 'number' && typeof r.id !== 'string') || typeof r.file_name !== 'string') {
      report({ file, where: `images[${i}]`, reason: 'malformed-metadata', detail: `images[${i}] needs an id and a file_name` });
      return;
    }
    names.set(r.id, r.file_name);
  });
  annotations.forEach((an, i) => {
    const where = `annotations[${i}]`;
    const r = an as Record<string, unknown> | null;
    if (!r || typeof r !== 'object' || !('image_id' in r) || !('caption' in r)) {
      report({ file, where, reason: 'malformed-metadata', detail: `${where} needs image_id and caption` });
      return;
    }
    const name = names.get(r.image_id);
    if (name === undefined) {
      report({ file, where, reason: 'caption-without-image', detail: `${where}: image_id ${String(r.image_id)} is not in images` });
      return;
    }
    const caps = captionsOf(r.caption, { file, where }, report);
    if (caps === null) {
      report({ file, where, reason: 'malformed-metadata', detail: `${where}: caption is not a string` });
      return;
    }
    for (const caption of caps) emit({ ref: name, dir, caption, file, where });
  });
}
