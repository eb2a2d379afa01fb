// What ingest needs to know about a file without keeping its bytes: size, sniffed image type, the
// structural check and the FNV-1a 64 used for duplicate detection. The upload worker probes each
// image as it reads it, lets the bytes go, and reads the file again only when it decodes it — so a
// 50,000-image folder never sits in memory at once.
import { fnv1a64 } from './hash';
import { checkImage, detectImageType, detectUnsupportedType } from './magic';
import type { ImageProbe } from './types';

export function probeImage(bytes: Uint8Array): ImageProbe {
  const type = detectImageType(bytes);
  return {
    size: bytes.length,
    type,
    unsupported: type ? null : detectUnsupportedType(bytes),
    check: type ? checkImage(bytes, type) : null,
    fnv: fnv1a64(bytes),
  };
}

/** A probe for a file we did not read at all (over the size limit): only its size is known. */
export function sizeOnlyProbe(size: number): ImageProbe {
  return { size, type: null, unsupported: null, check: null, fnv: `size:${size}` };
}
