import { describe, expect, it } from 'vitest';
import { png, utf8 } from './fixtures';
import { ingest } from './ingest';
import { describeSources, sourceRank } from './sources';
import type { VirtualFile } from './types';

const f = (path: string, bytes: Uint8Array | string): VirtualFile => ({ path, bytes: typeof bytes === 'string' ? utf8(bytes) : bytes });

/** An ImageFolder of n images with BOTH a metadata.jsonl and a captions.csv listing the same captions. */
function bothFiles(n: number, extraCsv: string[] = []): VirtualFile[] {
  const files: VirtualFile[] = [];
  const jsonl: string[] = [];
  const csv = ['file_name,text'];
  for (let i = 0; i < n; i++) {
    files.push(f(`set/img${i}.png`, png(i + 1)));
    jsonl.push(JSON.stringify({ file_name: `img${i}.png`, text: `photo number ${i}` }));
    csv.push(`img${i}.png,photo number ${i}`);
  }
  // captions.csv sorts before metadata.jsonl by path: precedence, not path order, decides which is used
  files.unshift(f('set/captions.csv', `${[...csv, ...extraCsv].join('\n')}\n`));
  files.push(f('set/metadata.jsonl', `${jsonl.join('\n')}\n`));
  return files;
}

describe('several metadata files for the same images', () => {
  it('identical captions in a second file are one repeat line, not skips', () => {
    const r = ingest(bothFiles(40));
    expect(r.report.skipped).toEqual([]);
    expect(r.report.loaded).toBe(40);
    expect(r.report.captions).toBe(40);
    expect(r.pairs[0].captions).toEqual(['photo number 0']);
    expect(r.report.repeats).toEqual([{ file: 'set/captions.csv', of: 'set/metadata.jsonl', count: 40 }]);
    expect(r.report.metadata).toEqual([{ dir: 'set', used: 'set/metadata.jsonl', others: [{ file: 'set/captions.csv', repeated: 40, added: 0 }] }]);
    const lines = describeSources(r.report);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^set: set\/metadata\.jsonl used/);
    expect(lines[1]).toBe('set/captions.csv repeats set/metadata.jsonl: 40 identical captions ignored');
  });

  it('captions only the second file gives are kept and said; real losses stay skips', () => {
    const r = ingest(bothFiles(3, ['img1.png,a second caption', 'gone.png,no such image']));
    expect(Object.fromEntries(r.pairs.map((p) => [p.imagePath, p.captions]))).toEqual({
      'set/img0.png': ['photo number 0'],
      'set/img1.png': ['photo number 1', 'a second caption'],
      'set/img2.png': ['photo number 2'],
    });
    expect(r.report.skipped.map((s) => [s.reason, s.file, s.line])).toEqual([['caption-without-image', 'set/captions.csv', 6]]);
    expect(r.report.metadata?.[0].others).toEqual([{ file: 'set/captions.csv', repeated: 3, added: 1 }]);
    expect(describeSources(r.report)[0]).toMatch(/set\/captions\.csv adds 1 caption set\/metadata\.jsonl lacks$/);
  });

  it('metadata.csv is used before other tables; a file repeating itself says so', () => {
    const r = ingest([
      f('d/a.png', png(1)),
      f('d/a_captions.tsv', 'file_name\ttext\na.png\tred\n'),
      f('d/metadata.csv', 'file_name,text\na.png,red\na.png,red\na.png,crimson\n'),
    ]);
    expect(r.report.skipped).toEqual([]);
    expect(r.pairs[0].captions).toEqual(['red', 'crimson']);
    expect(r.report.metadata?.[0].used).toBe('d/metadata.csv');
    expect(describeSources(r.report).slice(1)).toEqual([
      'd/a_captions.tsv repeats d/metadata.csv: 1 identical caption ignored',
      'd/metadata.csv repeats itself: 1 identical caption ignored',
    ]);
  });

  it('one source per folder: no choice line; old cached reports give no lines', () => {
    const r = ingest([f('x/metadata.jsonl', '{"file_name":"a.png","text":"t"}\n'), f('x/a.png', png(1)), f('y/b.png', png(2)), f('y/b.txt', 't')]);
    expect(r.report.metadata).toEqual([]);
    expect(describeSources(r.report)).toEqual([]);
    expect(describeSources({})).toEqual([]);
    expect([sourceRank('m/METADATA.JSONL'), sourceRank('metadata.csv'), sourceRank('captions.csv')]).toEqual([0, 1, 2]);
  });
});
