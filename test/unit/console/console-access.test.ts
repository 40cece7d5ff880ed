import { accessModeOf, admitLoopback, isSameOriginPost } from '../../../src/console/console-access';
import { loadConfig } from '../../../src/config';

const consoleConfig = (env: Record<string, string>) => loadConfig({ env }).console;

describe('who the ops console admits', () => {
  it('needs no login only on a loopback address, and refuses loopback mode anywhere else', () => {
    expect(accessModeOf(consoleConfig({}))).toBe('loopback');
    expect(accessModeOf(consoleConfig({ INTELROUTE_CONSOLE_HOST: '::1' }))).toBe('loopback');
    expect(accessModeOf(consoleConfig({ INTELROUTE_CONSOLE_HOST: '0.0.0.0' }))).toBe('mtls');
    expect(accessModeOf(consoleConfig({ INTELROUTE_CONSOLE_ACCESS: 'mtls' }))).toBe('mtls');
    expect(() =>
      accessModeOf(
        consoleConfig({
          INTELROUTE_CONSOLE_HOST: '10.0.0.5',
          INTELROUTE_CONSOLE_ACCESS: 'loopback',
        }),
      ),
    ).toThrow(/refused on 10\.0\.0\.5.*INTELROUTE_CONSOLE_ACCESS=mtls/);
  });

  it.each([
    ['127.0.0.1:9470', true],
    ['localhost:9470', true],
    ['LOCALHOST', true],
    ['[::1]:9470', true],
    ['evil.example:9470', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example:9470', false],
    ['', false],
    [undefined, false],
  ])('in loopback mode admits Host %p: %p', (host, admitted) => {
    expect(admitLoopback(host === undefined ? {} : { host }).admitted).toBe(admitted);
  });

  it.each([
    [{ host: 'localhost:9470', origin: 'http://localhost:9470' }, true],
    [{ host: 'localhost:9470', 'sec-fetch-site': 'same-origin' }, true],
    [{ host: 'localhost:9470', origin: 'http://evil.example' }, false],
    [{ host: 'localhost:9470', origin: 'null' }, false],
    [{ host: 'localhost:9470', origin: 'https://localhost:9470' }, false],
    [
      { host: 'localhost:9470', origin: 'http://localhost:9470', 'sec-fetch-site': 'cross-site' },
      false,
    ],
    [{ host: 'localhost:9470', 'sec-fetch-site': 'same-site' }, false],
    [{ host: 'localhost:9470' }, false],
  ])('takes a verify post with headers %p: %p', (headers, accepted) => {
    expect(isSameOriginPost(headers, 'http')).toBe(accepted);
  });
});
