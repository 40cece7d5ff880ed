import { readFileSync } from 'node:fs';
import path from 'node:path';
import { grpcStatusOf, REASON_STATUS } from '../../../src/contract/reason-status';
import { refusal } from '../../../src/gateway/gateway-refusal';
import { ReasonCode } from '../../../src/contract/generated/intelroute/v1/gateway';

/** proto/README.md's refusal table: status names → the reasons listed in that row. */
function documentedTable(): Array<{ statuses: string[]; reasons: string[] }> {
  const readme = readFileSync(path.join(__dirname, '../../../proto/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Refusals'), readme.indexOf('## Kafka topics'));
  return section
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+`/.test(line))
    .map((line) => {
      const [, statuses = '', reasons = ''] = line.split('|');
      const names = (text: string) => [...text.matchAll(/`([A-Z_0-9]+)`/g)].map((m) => m[1]!);
      return { statuses: names(statuses), reasons: names(reasons) };
    });
}

describe('the one map from refusal reason to gRPC status', () => {
  it('covers every ReasonCode of gateway.proto', () => {
    const protoNames = Object.keys(ReasonCode)
      .filter((key) => key.startsWith('REASON_CODE_') && key !== 'REASON_CODE_UNSPECIFIED')
      .map((key) => key.slice('REASON_CODE_'.length))
      .sort();
    expect(Object.keys(REASON_STATUS).sort()).toEqual(protoNames);
  });

  it('is the table of proto/README.md: each reason in one row, under its status', () => {
    const rows = documentedTable();
    const documented = rows.flatMap((row) => row.reasons.filter((r) => r in REASON_STATUS));
    expect([...documented].sort()).toEqual(Object.keys(REASON_STATUS).sort());
    for (const row of rows) {
      for (const reason of row.reasons.filter((r) => r in REASON_STATUS)) {
        const status = REASON_STATUS[reason as keyof typeof REASON_STATUS].grpc;
        expect([reason, row.statuses]).toEqual([reason, expect.arrayContaining([status])]);
      }
    }
  });

  it('gives every refusal its reason’s status, a retry delay when retriable, DEADLINE_EXCEEDED when the deadline passed', () => {
    expect(refusal('NO_RECIPIENT', 'nobody')).toEqual({
      status: 'FAILED_PRECONDITION',
      reason: 'NO_RECIPIENT',
      message: 'nobody',
      violations: [],
    });
    expect(refusal('TOO_MANY_STREAMS', 'busy')).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      retryDelayMs: 1000,
    });
    expect(refusal('RATE_LIMITED', 'slow down', [], { retryDelayMs: 250 })).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      retryDelayMs: 250,
    });
    expect(refusal('KAFKA_UNAVAILABLE', 'late', [], { deadlinePassed: true })).toMatchObject({
      status: 'DEADLINE_EXCEEDED',
      reason: 'KAFKA_UNAVAILABLE',
    });
    expect(grpcStatusOf('KAFKA_UNAVAILABLE')).toBe('UNAVAILABLE');
  });
});
