import { createServer, type Server } from 'node:net';
import { checkPortsFree } from '../../../src/app/startup-checks';
import { loadConfig, type IntelrouteConfig } from '../../../src/config';

/** A server holding a loopback port, as another process would. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const configWithPort = (port: number): IntelrouteConfig =>
  loadConfig({ env: { INTELROUTE_GATEWAY_PORT: String(port), INTELROUTE_CONSOLE_PORT: '0' } });

const checkGatewayPortFree = (config: IntelrouteConfig, env: Record<string, string>) =>
  checkPortsFree(config, env, { console: true });

describe('the gateway port check before start-up', () => {
  let held: { server: Server; port: number };
  beforeEach(async () => {
    held = await holdPort();
  });
  afterEach(() => new Promise((resolve) => held.server.close(resolve)));

  it('fails at once on a taken port, naming it and how to choose another', async () => {
    const error = await checkGatewayPortFree(configWithPort(held.port), {}).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toBe(
      `the gateway's port ${held.port} on 127.0.0.1 is already in use: ` +
        'stop what holds it, or choose another with INTELROUTE_GATEWAY_PORT or gateway.port in the ' +
        'config file (0 takes any free port)',
    );
  });

  it('names the variable when the port came from it', async () => {
    const env = { INTELROUTE_GATEWAY_PORT: String(held.port) };
    await expect(checkGatewayPortFree(configWithPort(held.port), env)).rejects.toThrow(
      `is already in use (INTELROUTE_GATEWAY_PORT=${held.port}): stop`,
    );
  });

  it('passes a free port (and leaves it free), and never checks port 0', async () => {
    const free = held.port;
    await new Promise((resolve) => held.server.close(resolve));
    await expect(checkGatewayPortFree(configWithPort(free), {})).resolves.toBeUndefined();
    await expect(checkGatewayPortFree(configWithPort(free), {})).resolves.toBeUndefined();
    await expect(checkGatewayPortFree(configWithPort(0), {})).resolves.toBeUndefined();
    held = await holdPort();
  });
});

describe('the ops console port check before start-up', () => {
  it('fails at once on a taken console port, unless the console is not served', async () => {
    const held = await holdPort();
    try {
      const config = loadConfig({
        env: { INTELROUTE_GATEWAY_PORT: '0', INTELROUTE_CONSOLE_PORT: String(held.port) },
      });
      await expect(checkPortsFree(config, {}, { console: true })).rejects.toThrow(
        `the ops console's port ${held.port} on 127.0.0.1 is already in use: stop what holds it, ` +
          'or choose another with INTELROUTE_CONSOLE_PORT or console.port',
      );
      await expect(checkPortsFree(config, {}, { console: false })).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => held.server.close(resolve));
    }
  });
});
