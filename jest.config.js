/**
 * Two projects: `unit` (pure code, no I/O, runs in seconds) and `integration` (a real Kafka broker
 * started once in global setup, real TLS gRPC on port 0). `npm test` runs both.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/property-seed.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
        '<rootDir>/test/faults/**/*.test.ts',
        '<rootDir>/test/browser/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
