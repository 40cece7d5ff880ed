import { loadConfig } from '../../../src/config';

describe('the telemetry config block', () => {
  it('defaults to port 9464 on loopback, no service name override, a 5 s flush bound', () => {
    expect(loadConfig({ env: {} }).telemetry).toEqual({
      serviceName: null,
      metricsHost: '127.0.0.1',
      metricsPort: 9464,
      shutdownTimeoutMs: 5000,
    });
  });

  it('takes the metrics address and service name from INTELROUTE_* variables', () => {
    const { telemetry } = loadConfig({
      env: {
        INTELROUTE_METRICS_HOST: '0.0.0.0',
        INTELROUTE_METRICS_PORT: '9100',
        INTELROUTE_TELEMETRY_SERVICE_NAME: 'intelroute-gateway-eu',
      },
    });
    expect(telemetry).toMatchObject({
      metricsHost: '0.0.0.0',
      metricsPort: 9100,
      serviceName: 'intelroute-gateway-eu',
    });
  });

  it('refuses a port out of range, naming the variable', () => {
    expect(() => loadConfig({ env: { INTELROUTE_METRICS_PORT: '70000' } })).toThrow(
      /INTELROUTE_METRICS_PORT/,
    );
  });
});
