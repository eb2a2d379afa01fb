// The dataset's caption order: the row order of a teacher's caption-embedding table.
//
//   row r  ↔  caption k of image i,   r = n_0 + n_1 + … + n_{i−1} + k
//
// where images are numbered as the dataset numbers them (the built-in generator's image index; for an
// upload, the order of the accepted images in its validation report, i.e. ImageCaptionSet.captions), n_i
// is image i's caption count and k runs over image i's captions in their listed order. Train, validation
// and held-out images are all in it, each once. The teacher panel downloads this list (JSONL, one
// {"row", "image", "caption"} per line) so a table can be made offline in exactly this order.

/** offsets[i] = first row of image i; offsets[N] = total captions. */
export function captionOffsets(captions: readonly (readonly string[])[]): Int32Array {
  const o = new Int32Array(captions.length + 1);
  for (let i = 0; i < captions.length; i++) o[i + 1] = o[i] + captions[i].length;
  return o;
}

/** The rows of the given images' captions, image after image (the order prepare() lists validation captions in). */
export function captionRowsOf(offsets: Int32Array, images: readonly number[]): Int32Array {
  const out: number[] = [];
  for (const i of images) for (let r = offsets[i]; r < offsets[i + 1]; r++) out.push(r);
  return Int32Array.from(out);
}

/** Every caption in row order. */
export function captionsInOrder(captions: readonly (readonly string[])[]): string[] {
  return captions.flatMap((cs) => [...cs]);
}

/** The caption list a user downloads to make a table offline: one JSON object per line, in row order. */
export function captionListJsonl(captions: readonly (readonly string[])[]): string {
  const lines: string[] = [];
  let r = 0;
  captions.forEach((cs, image) => {
    for (const caption of cs) lines.push(JSON.stringify({ row: r++, image, caption }));
  });
  return `${lines.join('\n')}\n`;
}

/** Hex SHA-256 of the captions in row order: ties a feature table to the dataset it was made for. */
export async function captionsHash(captions: readonly (readonly string[])[]): Promise<string> {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(captions)));
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}
