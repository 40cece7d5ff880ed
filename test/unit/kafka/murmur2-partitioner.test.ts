import { murmur2, partitionForKey } from '../../../src/kafka/murmur2-partitioner';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('murmur2', () => {
  // The vectors of Apache Kafka's own UtilsTest.testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('%s → %d, as the Java client computes it', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });
});

describe('partitionForKey', () => {
  it('maps a key to the partition the Java default partitioner picks', () => {
    // toPositive(-973932308) % 3 = (−973932308 & 0x7fffffff) % 3
    expect(partitionForKey(bytes('21'), 3)).toBe((-973932308 & 0x7fffffff) % 3);
    expect(partitionForKey(bytes('abc'), 10)).toBe(479470107 % 10);
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => partitionForKey(bytes('x'), 0)).toThrow(RangeError);
  });
});
