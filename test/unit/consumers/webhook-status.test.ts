import { checkStatus } from '../../../src/services/readers/sinks/webhook-sink';
import { IntelrouteError } from '../../../src/core/errors';

function codeOf(status: number): string {
  try {
    checkStatus(status);
    return 'ok';
  } catch (error) {
    return (error as IntelrouteError).code;
  }
}

describe('webhook status mapping', () => {
  it('accepts 2xx', () => {
    expect([200, 201, 202, 204].map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('retries 408, 429, 5xx and redirects', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 301, 307]) {
      expect([status, codeOf(status)]).toEqual([status, 'READER_HANDLER_FAILED']);
    }
  });

  it('refuses for good any other 4xx (dead letter without retry)', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422]) {
      expect([status, codeOf(status)]).toEqual([status, 'READER_HANDLER_REJECTED']);
    }
  });
});
