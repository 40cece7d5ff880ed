import { Readable } from 'node:stream';
import { readEnvelopeLines } from '../../../src/client';
import { isIntelrouteError } from '../../../src/core/errors';

async function firstError(lines: string): Promise<unknown> {
  try {
    for await (const _ of readEnvelopeLines(Readable.from([lines]), 'in')) {
      // read on
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('reading envelopes a user wrote', () => {
  it('refuses a member name given twice, naming the line and where (JSON.parse would keep one)', async () => {
    const error = await firstError(
      '\n{"messageType":"seizure-report","payload":{"country":"DE","country":"FR"}}\n',
    );
    expect(isIntelrouteError(error, 'ENVELOPE_INPUT_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(
      /^in:2: must not repeat a member name.* at \/payload\/country$/,
    );
  });

  it('refuses an unpaired surrogate escape', async () => {
    const error = await firstError('{"caseReference":"\\udc00"}');
    expect((error as Error).message).toMatch(
      /^in:1: must not escape an unpaired surrogate.* at \/caseReference$/,
    );
  });
});
