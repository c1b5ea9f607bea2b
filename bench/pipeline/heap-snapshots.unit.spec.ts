import { memoryLine } from './heap-snapshots';

describe('memoryLine', () => {
  it('splits the RSS into files, the V8 heap, external memory and the native rest', () => {
    const mb = 1048576;
    const line = memoryLine(
      { rssMb: 572, peakMb: 600, anonymousMb: 510, filesMb: 62 },
      {
        javascriptHeap: {
          totalCommittedMemory: 258 * mb,
          usedMemory: 146 * mb,
          externalMemory: 41 * mb,
        },
      },
    );
    expect(line).toMatch(
      /^ {2}RSS 572 MB: mapped files 62 .*anonymous 510 = V8 heap 258 committed \(146 in use/,
    );
    expect(line).toMatch(/external 41 .* \+ 211 other native/);
  });
});
