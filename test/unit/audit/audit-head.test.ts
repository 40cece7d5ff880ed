import { encodeChainHead, parseChainHead, readHeads } from '../../../src/audit';
import { isIntelrouteError } from '../../../src/core/errors';

const hash = (c: string): string => c.repeat(64);
const headRecord = (offset: number, key: string, value: Buffer | null) => ({
  partition: 0,
  offset: String(offset),
  key: Buffer.from(key),
  value,
});

describe('chain heads', () => {
  it('encodes the documented JSON shape and reads it back', () => {
    const head = { chainId: 'gateway-1', sequence: '0', hash: hash('a') };
    expect(encodeChainHead(head).toString()).toBe(
      `{"chainId":"gateway-1","sequence":"0","hash":"${hash('a')}"}`,
    );
    expect(parseChainHead(encodeChainHead(head))).toEqual(head);
  });

  it('reads the proto3 JSON forms of sequence: absent is 0, a number is accepted', () => {
    const absent = Buffer.from(`{"chainId":"g","hash":"${hash('b')}"}`);
    const numeric = Buffer.from(`{"chainId":"g","sequence":7,"hash":"${hash('b')}"}`);
    expect(parseChainHead(absent).sequence).toBe('0');
    expect(parseChainHead(numeric).sequence).toBe('7');
  });

  it('refuses a head whose hash is not lowercase hex SHA-256', () => {
    const upper = Buffer.from(`{"chainId":"g","sequence":"1","hash":"${hash('A')}"}`);
    let thrown: unknown;
    try {
      parseChainHead(upper);
    } catch (error) {
      thrown = error;
    }
    expect(isIntelrouteError(thrown, 'AUDIT_RECORD_INVALID')).toBe(true);
  });

  it('takes the latest head per chain by offset (numerically), and reports unusable ones', () => {
    const head = (sequence: string) =>
      encodeChainHead({ chainId: 'gateway-1', sequence, hash: hash('c') });
    const { heads, problems } = readHeads([
      headRecord(10, 'gateway-1', head('10')),
      headRecord(9, 'gateway-1', head('9')),
      headRecord(
        3,
        'reader-FR',
        encodeChainHead({ chainId: 'reader-FR', sequence: '1', hash: hash('d') }),
      ),
      headRecord(11, 'reader-FR', null),
      headRecord(
        4,
        'reader-DE',
        encodeChainHead({ chainId: 'gateway-1', sequence: '1', hash: hash('d') }),
      ),
      headRecord(5, 'reader-IT', Buffer.from('{not json')),
    ]);
    expect([...heads]).toEqual([
      ['gateway-1', { chainId: 'gateway-1', sequence: '10', hash: hash('c') }],
    ]);
    expect(problems.map((p) => [p.chainId, p.at.offset, p.message])).toEqual([
      ['reader-DE', '4', 'head of chain "gateway-1" under this key'],
      ['reader-FR', '11', 'not an audit chain head: no value (a tombstone)'],
      ['reader-IT', '5', 'not an audit chain head: not UTF-8 JSON'],
    ]);
  });
});
