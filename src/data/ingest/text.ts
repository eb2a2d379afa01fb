// Strict UTF-8 decoding (a bad byte is reported, never silently replaced) and path helpers.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Whole-buffer strict decode (BOM dropped); null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

export function decodeLossy(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}

/**
 * Split at LF (CRLF tolerated) and decode each line strictly, so one bad byte costs one line.
 * Returns one entry per physical line: the text, or null when that line is not valid UTF-8.
 */
export function decodeLines(bytes: Uint8Array): (string | null)[] {
  const out: (string | null)[] = [];
  let start = 0;
  // A UTF-8 BOM only makes sense at the very start.
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  for (let i = start; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      let end = i;
      if (end > start && bytes[end - 1] === 0x0d) end--;
      out.push(decodeUtf8(bytes.subarray(start, end)));
      start = i + 1;
    }
  }
  // A trailing newline does not start another line.
  if (out.length > 1 && bytes.length > 0 && bytes[bytes.length - 1] === 0x0a) out.pop();
  return out;
}

/** Caption clean-up: Unicode NFC, trimmed. Empty result means "empty or whitespace caption". */
export function cleanCaption(s: string): string {
  return s.normalize('NFC').trim();
}

/** Forward slashes, no "./", ".." resolved, no leading "/". */
export function normPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

export function joinPath(dir: string, rel: string): string {
  return normPath(dir ? `${dir}/${rel}` : rel);
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Lower-case extension after the last dot of the basename ('' when none). */
export function extname(p: string): string {
  const b = basename(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? '' : b.slice(i + 1).toLowerCase();
}

/** Path without the last extension: "a/b.c.jpg" → "a/b.c" (sidecar pairing). */
export function stemPath(p: string): string {
  const b = basename(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? p : p.slice(0, p.length - (b.length - i));
}

/** WebDataset sample key: directory + basename up to the FIRST dot ("d/000.seg.png" → "d/000"). */
export function wdsKey(p: string): string {
  const b = basename(p);
  const i = b.indexOf('.', 1);
  return i < 0 ? p : p.slice(0, p.length - (b.length - i));
}
