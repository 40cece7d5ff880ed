import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_OVERRIDES, loadConfig, PROJECT_ROOT } from '../../../src/config';
import { imageEnv } from './dockerfile-stages';
import { composeProcesses, k8sProcesses, type Process } from './workloads';

/** Variables a `.ts` source reads as `env.NAME` or `env['NAME']` (comments left out). */
function envReadsIn(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) envReadsIn(file).forEach((name) => names.add(name));
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const match of code.matchAll(/\benv(?:\?\.|\.)([A-Z][A-Z0-9_]*)\b/g))
      names.add(match[1] as string);
    for (const match of code.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g))
      names.add(match[1] as string);
  }
  return names;
}

/** OTEL_* variables the OpenTelemetry SDK reads for the resource (service name, attributes). */
function sdkResourceVariables(): Set<string> {
  const root = path.dirname(require.resolve('@opentelemetry/resources'));
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js')) {
        for (const match of readFileSync(file, 'utf8').matchAll(/['"](OTEL_[A-Z_]+)['"]/g))
          names.add(match[1] as string);
      }
    }
  };
  walk(root);
  return names;
}

/**
 * What the code reads from the environment: the config's variables (ENV_OVERRIDES, and what
 * src/config reads itself: INTELROUTE_CONFIG), and the OTEL_* variables src/telemetry or the
 * OpenTelemetry resource detector it installs read.
 */
const CONFIG_VARIABLES = new Set([
  ...ENV_OVERRIDES.map((o) => o.variable),
  ...envReadsIn(path.join(PROJECT_ROOT, 'src', 'config')),
]);
const TELEMETRY_VARIABLES = new Set(
  [...envReadsIn(path.join(PROJECT_ROOT, 'src', 'telemetry')), ...sdkResourceVariables()].filter(
    (name) => name.startsWith('OTEL_'),
  ),
);

const processes: Process[] = [...composeProcesses(), ...k8sProcesses()];

describe('environment variables of the deployments', () => {
  it('finds the variables the code reads (the check below is not vacuous)', () => {
    expect([...CONFIG_VARIABLES]).toEqual(
      expect.arrayContaining(['INTELROUTE_CONFIG', 'KAFKA_BROKERS', 'INTELROUTE_LINK_SECRET_FILE']),
    );
    expect([...TELEMETRY_VARIABLES]).toEqual(
      expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']),
    );
    expect(processes.filter((p) => p.where === 'compose').length).toBeGreaterThan(5);
    expect(processes.filter((p) => p.where === 'k8s').length).toBeGreaterThan(5);
  });

  it('sets only variables the config or the telemetry setup reads, in Compose and Kubernetes', () => {
    for (const deployed of processes) {
      for (const name of Object.keys(deployed.manifestEnv)) {
        const known = CONFIG_VARIABLES.has(name) || TELEMETRY_VARIABLES.has(name);
        expect([deployed.where, deployed.name, name, known]).toEqual([
          deployed.where,
          deployed.name,
          name,
          true,
        ]);
      }
    }
  });

  it('bakes into the image only intelroute variables the config reads', () => {
    for (const name of Object.keys(imageEnv()).filter((n) => n.startsWith('INTELROUTE_'))) {
      expect([name, CONFIG_VARIABLES.has(name)]).toEqual([name, true]);
    }
  });

  it('gives every process a configuration that loads (values parse and pass the schema)', () => {
    for (const deployed of processes) {
      expect(() => loadConfig({ env: deployed.env })).not.toThrow();
    }
  });
});
