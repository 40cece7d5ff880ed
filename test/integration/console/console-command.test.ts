import type { FlowSnapshot, StorySearch } from '../../../src/console/console-model';
import { killStartedClis, startCli, waitForLine } from '../../helpers/cli';
import { validEnvelope } from '../../helpers/envelopes';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';

jest.setTimeout(120_000);
afterEach(killStartedClis);

/**
 * `intelroute console` on its own (what the deployments run): it reads a trail it did not see
 * written, serves it, is ready once caught up, and stops on SIGTERM.
 */
describe('intelroute console', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it('serves a trail written before it started, and stops on SIGTERM', async () => {
    const earlier = validEnvelope('information-request');
    await (await gw.client('urn:intelroute:ncb:FR')).publish(earlier);
    const child = startCli(['console', '--instance-id', 'console-test'], {
      INTELROUTE_TOPIC_PREFIX: gw.prefix,
      INTELROUTE_CONSOLE_PORT: '0',
      INTELROUTE_CONSOLE_TRACE_URL: 'http://localhost:16686/trace/{traceId}',
    });
    const line = await waitForLine(child, /^ops console: /, 60_000);
    const url = /^ops console: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line)?.[1];
    expect(url).toBeDefined();

    const search = await eventually(
      async () =>
        (await (await fetch(`${url}api/messages?q=${earlier.messageId}`)).json()) as StorySearch,
      (found) => found.stories.length === 1,
      { timeoutMs: 30_000 },
    );
    expect(search.stories[0]).toMatchObject({ messageId: earlier.messageId, origin: 'ncb:FR' });
    const flow = (await (await fetch(`${url}api/flow`)).json()) as FlowSnapshot;
    // No gateway in this process: no latency, said so rather than zero.
    expect(flow.health.gateway).toBe('absent');
    expect(flow.ackLatency).toBeNull();
    const page = await (await fetch(`${url}messages?q=${earlier.messageId}`)).text();
    expect(page).toContain('http://localhost:16686/trace/');

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
