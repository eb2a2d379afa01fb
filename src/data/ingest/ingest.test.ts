import { gzipSync, zipSync } from 'fflate';
import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { bmp, cat, gif, jpeg, png, tiff, utf8, webp } from './fixtures';
import { ingest } from './ingest';
import type { IngestResult, SkipReason, VirtualFile } from './types';

const f = (path: string, bytes: Uint8Array | string): VirtualFile => ({ path, bytes: typeof bytes === 'string' ? utf8(bytes) : bytes });
const caps = (r: IngestResult) => Object.fromEntries(r.pairs.map((p) => [p.imagePath, p.captions]));
const skips = (r: IngestResult, reason: SkipReason) => r.report.skipped.filter((s) => s.reason === reason);
const clean = (r: IngestResult) => expect(r.report.skipped).toEqual([]);

describe('formats', () => {
  it('ImageFolder metadata.jsonl: string, list and repeated rows all kept', () => {
    const r = ingest([
      f('ds/metadata.jsonl', ['{"file_name":"a.png","text":"red"}', '{"file_name":"b.jpg","captions":["x","y"]}', '{"file_name":"a.png","text":"crimson"}', ''].join('\n')),
      f('ds/a.png', png(1)),
      f('ds/b.jpg', jpeg(2)),
    ]);
    clean(r);
    expect(caps(r)).toEqual({ 'ds/a.png': ['red', 'crimson'], 'ds/b.jpg': ['x', 'y'] });
    expect(r.report).toMatchObject({ format: 'imagefolder', loaded: 2, captions: 4 });
    expect(r.images.get('ds/a.png')).toEqual(png(1));
  });

  it('ImageFolder metadata.csv with subfolders and a CRLF/BOM file', () => {
    const r = ingest([
      f('m/metadata.csv', '\uFEFFfile_name,text\r\nimg/a.gif,"a cat, sitting"\r\nimg/b.webp,a dog\r\n'),
      f('m/img/a.gif', gif(1)),
      f('m/img/b.webp', webp(2)),
    ]);
    clean(r);
    expect(caps(r)).toEqual({ 'm/img/a.gif': ['a cat, sitting'], 'm/img/b.webp': ['a dog'] });
    expect(r.report.format).toBe('imagefolder');
  });

  it('CSV without header (image column found by extension), TSV, delimiter detection, multi-line quotes', () => {
    const r = ingest([
      f('c/pairs.csv', 'a description that is long,a.png\nanother long description,b.bmp\n'),
      f('c/t.tsv', 'image\tcaption\nc.png\ta caption, with commas\n'),
      f('c/semi.csv', 'path;caption\nd.png;"two\nlines"\n'),
      f('c/a.png', png(1)),
      f('c/b.bmp', bmp(2)),
      f('c/c.png', png(3)),
      f('c/d.png', png(4)),
    ]);
    clean(r);
    expect(caps(r)).toEqual({
      'c/a.png': ['a description that is long'],
      'c/b.bmp': ['another long description'],
      'c/c.png': ['a caption, with commas'],
      'c/d.png': ['two\nlines'],
    });
    expect(r.report.format).toBe('csv');
  });

  it('unquoted commas in a last-column caption are glued back', () => {
    const r = ingest([f('x.csv', 'file,caption\na.png,red, round and small\n'), f('a.png', png())]);
    clean(r);
    expect(caps(r)).toEqual({ 'a.png': ['red, round and small'] });
  });

  it('sidecar .txt (one caption per non-empty line) and sidecar .json', () => {
    const r = ingest([
      f('s/a.png', png(1)),
      f('s/a.txt', 'first caption\n\n  second caption  \n'),
      f('s/b.jpeg', jpeg(2)),
      f('s/b.json', '{"caption":"from json"}'),
    ]);
    clean(r);
    expect(caps(r)).toEqual({ 's/a.png': ['first caption', 'second caption'], 's/b.jpeg': ['from json'] });
    expect(r.report.formats).toEqual(['sidecar-txt', 'sidecar-json']);
  });

  it('COCO captions JSON with several captions per image (images in another folder)', () => {
    const coco = {
      images: [{ id: 1, file_name: 'x1.png' }, { id: 2, file_name: 'x2.png' }],
      annotations: [
        { id: 10, image_id: 1, caption: 'one A' },
        { id: 11, image_id: 1, caption: 'one B' },
        { id: 12, image_id: 2, caption: 'two A' },
      ],
    };
    const r = ingest([f('coco/annotations/captions_train.json', JSON.stringify(coco)), f('coco/train/x1.png', png(1)), f('coco/train/x2.png', png(2))]);
    clean(r);
    expect(caps(r)).toEqual({ 'coco/train/x1.png': ['one A', 'one B'], 'coco/train/x2.png': ['two A'] });
    expect(r.report.format).toBe('coco');
  });

  it('WebDataset .tar shards: key.jpg + key.txt / key.json, extra fields ignored', () => {
    const shard = createTar([
      { name: '000.jpg', data: jpeg(1) },
      { name: '000.txt', data: 'caption zero' },
      { name: '000.cls', data: '3' },
      { name: '001.png', data: png(2) },
      { name: '001.json', data: JSON.stringify({ text: 'caption one', width: 2 }) },
      { name: 'sub/002.seg.png', data: png(3) },
      { name: 'sub/002.seg.txt', data: 'caption two' },
    ]);
    const r = ingest([f('shard-000.tar', shard)]);
    clean(r);
    expect(caps(r)).toEqual({ 'shard-000.tar/000.jpg': ['caption zero'], 'shard-000.tar/001.png': ['caption one'], 'shard-000.tar/sub/002.seg.png': ['caption two'] });
    expect(r.report.format).toBe('webdataset+tar');
    expect(r.report.ignored).toEqual(['shard-000.tar/000.cls (WebDataset field without captions)']);
  });

  it('any format inside a zip; tar inside zip; tar.gz; OS litter ignored', () => {
    const inner = createTar([{ name: 'k.png', data: png(9) }, { name: 'k.txt', data: 'in tar' }]);
    const zip = zipSync({
      'ds/metadata.jsonl': utf8('{"file_name":"a.png","text":"zipped"}\n'),
      'ds/a.png': png(1),
      'ds/shards/s0.tar': inner,
      '__MACOSX/ds/._a.png': utf8('junk'),
      'ds/.DS_Store': utf8('junk'),
    });
    const tgz = gzipSync(createTar([{ name: 'g.png', data: png(5) }, { name: 'g.txt', data: 'gz' }]));
    const r = ingest([f('up.zip', zip), f('more.tar.gz', tgz)]);
    clean(r);
    expect(caps(r)).toEqual({ 'up.zip/ds/a.png': ['zipped'], 'up.zip/ds/shards/s0.tar/k.png': ['in tar'], 'more.tar/g.png': ['gz'] });
    expect(r.report.format).toBe('imagefolder+webdataset+zip+tar+gzip');
    expect(r.report.ignored.sort()).toEqual(['up.zip/__MACOSX/ds/._a.png', 'up.zip/ds/.DS_Store']);
  });

  it('Flickr8k-style captions.txt table with name.jpg#n references', () => {
    const r = ingest([f('flickr/captions.txt', 'image,caption\n1.jpg#0,a dog runs\n1.jpg#1,a brown dog\n'), f('flickr/Images/1.jpg', jpeg(1))]);
    clean(r);
    expect(caps(r)).toEqual({ 'flickr/Images/1.jpg': ['a dog runs', 'a brown dog'] });
  });

  it('image type comes from magic bytes, not the extension', () => {
    const r = ingest([f('a.jpg', png(1)), f('a.txt', 'png named jpg')]);
    clean(r);
    expect(r.report.loaded).toBe(1);
  });

  it('pairs are sorted by path whatever the input order', () => {
    const files = [f('b.png', png(2)), f('b.txt', 'b'), f('a.png', png(1)), f('a.txt', 'a')];
    expect(ingest(files).pairs.map((p) => p.imagePath)).toEqual(['a.png', 'b.png']);
    expect(ingest([...files].reverse()).pairs).toEqual(ingest(files).pairs);
  });
});

describe('skip reasons (file name and line number in the report)', () => {
  it('truncated and undecodable images, unsupported types', () => {
    const cutPng = png(1).subarray(0, png(1).length - 12);
    const cutJpeg = jpeg(2).subarray(0, jpeg(2).length - 2);
    const r = ingest([
      f('metadata.jsonl', ['t1.png', 't2.jpg', 'bad.jpg', 'x.tiff', 'ok.png'].map((n) => JSON.stringify({ file_name: n, text: `cap ${n}` })).join('\n')),
      f('t1.png', cutPng),
      f('t2.jpg', cutJpeg),
      f('bad.jpg', utf8('not really a jpeg')),
      f('x.tiff', tiff()),
      f('ok.png', png(5)),
      f('notes.md', '# hello'),
    ]);
    expect(caps(r)).toEqual({ 'ok.png': ['cap ok.png'] });
    expect(skips(r, 'truncated-image').map((s) => s.file)).toEqual(['t1.png', 't2.jpg']);
    expect(skips(r, 'undecodable-image').map((s) => s.file)).toEqual(['bad.jpg']);
    expect(skips(r, 'unsupported-type').map((s) => s.file)).toEqual(['notes.md', 'x.tiff']);
    // Their captions are reported too, with the metadata line.
    expect(skips(r, 'caption-without-image').map((s) => [s.line, s.detail])).toEqual([
      [1, 'image t1.png was skipped (truncated-image)'],
      [2, 'image t2.jpg was skipped (truncated-image)'],
      [3, 'image bad.jpg was skipped (undecodable-image)'],
      [4, 'image x.tiff was skipped (unsupported-type)'],
    ]);
  });

  it('caption without image, image without caption, empty/whitespace caption', () => {
    const r = ingest([
      f('metadata.jsonl', '{"file_name":"a.png","text":"ok"}\n{"file_name":"ghost.png","text":"boo"}\n{"file_name":"b.png","text":"   "}\n{"file_name":"a.png","captions":["x",""]}'),
      f('a.png', png(1)),
      f('b.png', png(2)),
      f('c.png', png(3)),
      f('orphan.txt', 'nobody here'),
      f('c.txt', ' \n\t\n'),
    ]);
    expect(caps(r)).toEqual({ 'a.png': ['ok', 'x'] });
    expect(skips(r, 'caption-without-image').map((s) => [s.file, s.line])).toEqual([
      ['orphan.txt', undefined],
      ['metadata.jsonl', 2],
    ]);
    expect(skips(r, 'empty-caption').map((s) => [s.file, s.line])).toEqual([
      ['c.txt', undefined],
      ['metadata.jsonl', 3],
      ['metadata.jsonl', 4],
    ]);
    expect(skips(r, 'image-without-caption').map((s) => s.file)).toEqual(['b.png', 'c.png']);
    expect(r.report.counts['image-without-caption']).toBe(2);
  });

  it('invalid UTF-8 costs only its line (jsonl, csv, sidecar txt) or its caption (json)', () => {
    const bad = [0xc3, 0x28]; // invalid 2-byte sequence
    const r = ingest([
      f('metadata.jsonl', cat(utf8('{"file_name":"a.png","text":"good"}\n{"file_name":"b.png","text":"'), bad, utf8('"}\n'))),
      f('t.csv', cat(utf8('file,caption\nc.png,fine\nd.png,'), bad, utf8('\n'))),
      f('e.png', png(5)),
      f('e.txt', cat(utf8('kept\n'), bad)),
      f('coco.json', cat(utf8('{"images":[{"id":1,"file_name":"g.png"}],"annotations":[{"image_id":1,"caption":"x'), bad, utf8('"},{"image_id":1,"caption":"fine"}]}'))),
      ...['a', 'b', 'c', 'd', 'g'].map((n, i) => f(`${n}.png`, png(10 + i))),
    ]);
    expect(caps(r)).toEqual({ 'a.png': ['good'], 'c.png': ['fine'], 'e.png': ['kept'], 'g.png': ['fine'] });
    expect(skips(r, 'invalid-utf8').map((s) => [s.file, s.line ?? s.where])).toEqual([
      ['coco.json', 1],
      ['coco.json', 'annotations[0]'],
      ['e.txt', 2],
      ['metadata.jsonl', 2],
      ['t.csv', 3],
    ]);
    expect(skips(r, 'image-without-caption').map((s) => s.file)).toEqual(['b.png', 'd.png']);
  });

  it('duplicates: same content (captions merged), same caption twice, same path twice', () => {
    const r = ingest([
      f('a.png', png(1)),
      f('a.txt', 'first'),
      f('copy.png', png(1)),
      f('copy.txt', 'second\nfirst'),
      f('z.png', png(2)),
      f('z.txt', 'zed'),
      f('z.png', png(2)), // same path, same bytes: one file
      f('z.txt', 'other'), // same path, different bytes: first kept
    ]);
    expect(caps(r)).toEqual({ 'a.png': ['first', 'second'], 'z.png': ['zed'] });
    expect(skips(r, 'duplicate').map((s) => [s.file, s.line])).toEqual([
      ['z.txt', undefined],
      ['copy.png', undefined],
    ]);
    // copy.txt's "first" repeats a.txt's for the same (merged) image: a repeat, not a loss
    expect(r.report.repeats).toEqual([{ file: 'copy.txt', of: 'a.txt', count: 1 }]);
    expect(r.report.ignored).toEqual(['z.png (listed twice)']);
  });

  it('oversized files (also inside a zip, without inflating them)', () => {
    const big = new Uint8Array(5000);
    big.set(png(1));
    const r = ingest([f('big.png', big), f('big.txt', 'x'), f('z.zip', zipSync({ 'huge.png': big, 'huge.txt': utf8('y') })), f('s.png', png(2)), f('s.txt', 'small')], {
      maxFileBytes: 1000,
    });
    expect(caps(r)).toEqual({ 's.png': ['small'] });
    expect(skips(r, 'oversized').map((s) => s.file).sort()).toEqual(['big.png', 'z.zip/huge.png']);
  });

  it('malformed metadata lines with line numbers (jsonl, csv, coco)', () => {
    const r = ingest([
      f(
        'metadata.jsonl',
        ['{"file_name":"a.png","text":"ok"}', '{"file_name":"a.png","text":', '[1,2]', '{"text":"no file"}', '{"file_name":"a.png"}', '{"file_name":"a.png","text":7}', '{"file_name":"a.png","text":"also ok"}'].join('\n'),
      ),
      f('t.csv', 'file_name,text,extra\nb.png,"unclosed,1\nb.png,ok,1\nb.png\n'),
      f('coco.json', JSON.stringify({ images: [{ id: 1, file_name: 'c.png' }, { nope: 1 }], annotations: [{ image_id: 1 }, { image_id: 9, caption: 'lost' }, { image_id: 1, caption: 'fine' }] })),
      f('broken.json', '{"images": [\n  {"id": 1,\n  oops}'),
      ...['a', 'b', 'c'].map((n, i) => f(`${n}.png`, png(i))),
    ]);
    expect(caps(r)).toEqual({ 'a.png': ['ok', 'also ok'], 'b.png': ['ok'], 'c.png': ['fine'] });
    const m = skips(r, 'malformed-metadata');
    expect(m.filter((s) => s.file === 'metadata.jsonl').map((s) => s.line)).toEqual([2, 3, 4, 5, 6]);
    expect(m.filter((s) => s.file === 't.csv').map((s) => s.line)).toEqual([2, 4]);
    expect(m.filter((s) => s.file === 'coco.json').map((s) => s.where)).toEqual(['images[1]', 'annotations[0]']);
    expect(m.find((s) => s.file === 'broken.json')?.line).toBe(3);
    expect(skips(r, 'caption-without-image').map((s) => s.where)).toEqual(['annotations[1]']);
  });

  it('damaged archives keep every member that can be read', () => {
    const tar = createTar([
      { name: 'a.png', data: png(1) },
      { name: 'a.txt', data: 'tar a' },
      { name: 'b.png', data: png(2) },
      { name: 'b.txt', data: 'tar b' },
    ]);
    const cutTar = tar.subarray(0, 512 * 6 + 100); // inside b.png's data
    const zip = zipSync({ 'c.png': png(3), 'c.txt': utf8('zip c'), 'd.png': png(4), 'd.txt': utf8('zip d') }, { level: 0 });
    const cutZip = zip.subarray(0, Math.floor(zip.length * 0.6)); // central directory gone
    const r = ingest([f('t.tar', cutTar), f('z.zip', cutZip), f('g.tar.gz', cat([0x1f, 0x8b], utf8('not gzip')))]);
    expect(caps(r)['t.tar/a.png']).toEqual(['tar a']);
    expect(caps(r)['z.zip/c.png']).toEqual(['zip c']);
    expect(skips(r, 'corrupt-archive').map((s) => s.file)).toEqual(['t.tar', 'z.zip', 'g.tar.gz']);
    expect(skips(r, 'corrupt-archive')[1].detail).toMatch(/complete member\(s\) recovered/);
  });

  it('every reason is counted', () => {
    const r = ingest([f('a.png', png()), f('b.txt', '')]);
    expect(Object.values(r.report.counts).reduce((s, n) => s + n, 0)).toBe(r.report.skipped.length);
    expect(r.report.format).toBe('none');
  });
});
