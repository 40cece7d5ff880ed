import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { accessModeOf } from '../../../src/console/console-access';
import { parseIdentityUrn } from '../../../src/identity';
import {
  DEPLOY,
  isDirectory,
  isFile,
  isNonRootUser,
  isPinned,
  list,
  networksOf,
  obj,
  readYaml,
  type Doc,
} from './deploy-files';

const COMPOSE_DIR = path.join(DEPLOY, 'compose');
const COMPOSE_FILE = path.join(COMPOSE_DIR, 'docker-compose.yml');
const compose = readYaml(COMPOSE_FILE);
/** A service's environment as the process sees it (values as text). */
const stringEnv = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(env(name)).map(([k, v]) => [k, String(v)]));
const services = obj(compose.services);
const service = (name: string): Doc => obj(services[name]);
const env = (name: string): Doc => obj(service(name).environment);
const isIntelroute = (name: string): boolean => service(name).image === 'intelroute:0.1.0';
const intelrouteServices = Object.keys(services).filter(isIntelroute);
const kafkaServices = Object.keys(services).filter((name) =>
  String(service(name).image).startsWith('apache/kafka:'),
);
const longRunning = intelrouteServices.filter((name) => service(name).restart !== 'no');

/** `host:port` of a URL or `host:port` text. */
function hostPort(text: string): [string, string] {
  const match = /^(?:[a-z]+:\/\/)?([^:/]+):(\d+)/.exec(text);
  if (match === null) throw new Error(`no host:port in ${text}`);
  return [match[1] as string, match[2] as string];
}

function shareNetwork(a: string, b: string): boolean {
  return networksOf(service(a)).some((network) => networksOf(service(b)).includes(network));
}

/** The names a service answers to on its networks: its own and its aliases. */
function hostNames(name: string): string[] {
  const aliases = Object.values(obj(service(name).networks)).flatMap((n) => list(obj(n).aliases));
  return [name, ...aliases.map(String)];
}

describe('deploy/compose/docker-compose.yml', () => {
  it('runs the stack the operators expect', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'certs',
        'console',
        'gateway-1',
        'gateway-2',
        'jaeger',
        'kafka-1',
        'kafka-2',
        'kafka-3',
        'link-detector',
        'otel-collector',
        'prometheus',
        'reader-country-fr',
        'reader-secretariat',
        'reader-working-group',
        'request-ledger',
        'topics',
      ].sort(),
    );
    expect(service('topics').command).toEqual(['topics', 'apply']);
    expect(service('console').command).toEqual(['console']);
    expect(service('link-detector').command).toEqual([
      'links',
      'run',
      '--instance-id',
      'link-detector-1',
    ]);
    expect(service('request-ledger').command).toEqual([
      'requests',
      'run',
      '--instance-id',
      'request-ledger-1',
    ]);
    expect(
      ['reader-country-fr', 'reader-secretariat', 'reader-working-group'].map(
        (n) => service(n).command,
      ),
    ).toEqual([
      ['consume', 'country', 'FR'],
      ['consume', 'secretariat'],
      ['consume', 'working-group'],
    ]);
  });

  it('pins every image to a version and runs every container as a non-root user', () => {
    for (const [name, definition] of Object.entries(services)) {
      expect([name, isPinned(String(obj(definition).image))]).toEqual([name, true]);
      expect([name, isNonRootUser(obj(definition).user)]).toEqual([name, true]);
    }
  });

  it('builds intelroute from deploy/Dockerfile in an existing context', () => {
    for (const name of intelrouteServices) {
      const build = obj(service(name).build);
      expect(isDirectory(path.resolve(COMPOSE_DIR, String(build.context)))).toBe(true);
      expect(
        isFile(path.resolve(COMPOSE_DIR, String(build.context), String(build.dockerfile))),
      ).toBe(true);
    }
  });

  it('declares every network and named volume it uses, uses every one it declares, and mounts existing files', () => {
    const usedNetworks = new Set(Object.values(services).flatMap((s) => networksOf(obj(s))));
    expect([...usedNetworks].sort()).toEqual(Object.keys(obj(compose.networks)).sort());
    const usedVolumes = new Set<string>();
    for (const [name, definition] of Object.entries(services)) {
      for (const mount of list(obj(definition).volumes).map(String)) {
        const source = mount.split(':')[0] as string;
        if (source.startsWith('.') || source.startsWith('/')) {
          expect([name, isFile(path.resolve(COMPOSE_DIR, source))]).toEqual([name, true]);
        } else usedVolumes.add(source);
      }
    }
    expect([...usedVolumes].sort()).toEqual(Object.keys(obj(compose.volumes)).sort());
  });

  it('makes services wait only for services that exist and can meet the condition', () => {
    for (const [name, definition] of Object.entries(services)) {
      for (const [target, rule] of Object.entries(obj(obj(definition).depends_on))) {
        expect([name, target, target in services]).toEqual([name, target, true]);
        const condition = obj(rule).condition;
        if (condition === 'service_healthy')
          expect(obj(service(target).healthcheck).disable).not.toBe(true);
        if (condition === 'service_completed_successfully')
          expect(service(target).restart).toBe('no');
      }
    }
  });

  it('forms one KRaft quorum of three brokers with one cluster id', () => {
    expect(kafkaServices).toHaveLength(3);
    const ids = kafkaServices.map((name) => env(name).KAFKA_NODE_ID);
    expect(new Set(ids).size).toBe(3);
    const voters = kafkaServices.map((name) => `${env(name).KAFKA_NODE_ID}@${name}:9093`).join(',');
    const clusterIds = new Set(kafkaServices.map((name) => env(name).CLUSTER_ID));
    expect(clusterIds.size).toBe(1);
    expect(Buffer.from(String([...clusterIds][0]), 'base64url')).toHaveLength(16);
    for (const name of kafkaServices) {
      expect(env(name).KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
      expect(env(name).KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`);
    }
  });

  it('points every intelroute process at all three brokers, the collector and its own metrics port', () => {
    const collectorConfig = readYaml(path.join(DEPLOY, 'otel', 'collector.yaml'));
    const httpReceiver = String(
      obj(obj(obj(obj(collectorConfig.receivers).otlp).protocols).http).endpoint,
    );
    const kafkaClients = intelrouteServices.filter((name) => name !== 'certs');
    for (const name of kafkaClients) {
      expect(String(env(name).KAFKA_BROKERS).split(',')).toEqual(
        kafkaServices.map((k) => `${k}:9092`),
      );
      expect(networksOf(service(name))).toContain('kafka');
    }
    for (const name of longRunning) {
      const [host, port] = hostPort(String(env(name).OTEL_EXPORTER_OTLP_ENDPOINT));
      expect([name, host, shareNetwork(name, host)]).toEqual([name, 'otel-collector', true]);
      expect(hostPort(httpReceiver)[1]).toBe(port);
      const probe = list(obj(service(name).healthcheck).test).join(' ');
      expect(probe).toContain(`127.0.0.1:${env(name).INTELROUTE_METRICS_PORT}/readyz`);
    }
  });

  it('provisions the inbox of every country a reader reads, for every process alike', () => {
    const members = new Set(
      longRunning.map((name) => String(env(name).INTELROUTE_MEMBER_COUNTRIES)),
    );
    expect(members.size).toBe(1);
    expect(env('topics').INTELROUTE_MEMBER_COUNTRIES).toBe([...members][0]);
    const countries = String([...members][0]).split(',');
    for (const name of longRunning) {
      const command = list(service(name).command).map(String);
      if (command[1] === 'country') expect(countries).toContain(command[2]);
    }
  });

  it('lets the link detector and the ledger reach a gateway by a name its certificate carries', () => {
    const init = list(service('certs').command).map(String).join('\n');
    const hosts = (/certs init --dir \S+ --hosts (\S+)/.exec(init)?.[1] ?? '').split(',');
    for (const name of ['link-detector', 'request-ledger']) {
      const [host, port] = hostPort(String(env(name).INTELROUTE_SYSTEM_GATEWAY_ADDRESS));
      expect(hosts).toContain(host);
      const gateways = longRunning.filter(
        (g) => list(service(g).command)[0] === 'gateway' && hostNames(g).includes(host),
      );
      expect(gateways.length).toBeGreaterThanOrEqual(2);
      for (const gateway of gateways) {
        expect(String(env(gateway).INTELROUTE_GATEWAY_PORT)).toBe(port);
        expect(shareNetwork(name, gateway)).toBe(true);
      }
    }
  });

  it('gives each gateway, reader and system service its own instance id (its Kafka transactional id)', () => {
    const gateways = longRunning.filter((n) => n.startsWith('gateway-'));
    const readers = longRunning.filter((n) => n.startsWith('reader-'));
    expect(gateways).toHaveLength(2);
    expect(new Set(gateways.map((n) => env(n).INTELROUTE_GATEWAY_INSTANCE_ID)).size).toBe(2);
    expect(new Set(readers.map((n) => env(n).INTELROUTE_READER_INSTANCE_ID)).size).toBe(3);
    for (const name of gateways) expect(env(name).INTELROUTE_CERTS_DIR).toBeDefined();
    const services = ['link-detector', 'request-ledger'].map((n) => {
      const command = list(service(n).command).map(String);
      return command[command.indexOf('--instance-id') + 1];
    });
    expect(new Set(services).size).toBe(2);
  });

  it('publishes the ops console on the host’s loopback only, on the port it serves, over mTLS', () => {
    const config = loadConfig({ env: stringEnv('console') });
    expect(config.console.port).toBe(9470);
    // Every published port of the console binds the host's loopback: operators on this machine.
    const published = list(service('console').ports).map(String);
    expect(published).toEqual([`127.0.0.1:${config.console.port}:${config.console.port}`]);
    // The container's address is not loopback, so it must ask for a client certificate.
    expect(config.console.host).toBe('0.0.0.0');
    expect([config.console.access, accessModeOf(config.console)]).toEqual(['mtls', 'mtls']);
    // The gateways' TLS folder, mounted the same way: their server certificate names localhost.
    const gateway = service('gateway-1');
    expect(env('console').INTELROUTE_CERTS_DIR).toBe(env('gateway-1').INTELROUTE_CERTS_DIR);
    expect(service('console').volumes).toEqual(
      expect.arrayContaining(list(gateway.volumes).filter((v) => String(v).startsWith('certs:'))),
    );
    for (const mount of list(service('console').volumes)) expect(String(mount)).toMatch(/:ro$/);
    // A person's certificate to open it with exists (role ops: the console admits no other; the
    // health probe's belongs to the gateway's probe, not to an operator).
    const script = list(service('certs').command).map(String).join('\n');
    const issued = [...script.matchAll(/certs issue --dir \S+ --id (\S+)/g)].map((m) =>
      parseIdentityUrn(String(m[1])),
    );
    expect(
      issued.some((identity) => identity.role === 'ops' && identity.name !== 'health-probe'),
    ).toBe(true);
  });

  it('lets Prometheus scrape every intelroute process on its metrics port, and the collector on its own', () => {
    const prometheus = readYaml(path.join(DEPLOY, 'prometheus', 'prometheus.yml'));
    const targets = list(prometheus.scrape_configs).flatMap((job) =>
      list(obj(job).static_configs).flatMap((config) => list(obj(config).targets).map(String)),
    );
    const collector = readYaml(path.join(DEPLOY, 'otel', 'collector.yaml'));
    const reader = obj(list(obj(obj(obj(collector.service).telemetry).metrics).readers)[0]);
    const collectorPort = String(obj(obj(obj(reader.pull).exporter).prometheus).port);
    expect(collectorPort).toBe('8888');
    for (const target of targets) {
      const [host, port] = hostPort(target);
      expect([target, host in services, shareNetwork('prometheus', host)]).toEqual([
        target,
        true,
        true,
      ]);
      expect(port).toBe(
        isIntelroute(host) ? String(env(host).INTELROUTE_METRICS_PORT) : collectorPort,
      );
    }
    expect(targets.map((t) => hostPort(t)[0]).sort()).toEqual(
      [...longRunning, 'otel-collector'].sort(),
    );
  });

  it('sends the collector’s traces to Jaeger on a port Jaeger listens on', () => {
    const collector = readYaml(path.join(DEPLOY, 'otel', 'collector.yaml'));
    const [host, port] = hostPort(String(obj(obj(collector.exporters)['otlp/jaeger']).endpoint));
    expect([host, shareNetwork('otel-collector', host)]).toEqual(['jaeger', true]);
    expect(list(service('jaeger').command)).toContain(
      `--set=receivers.otlp.protocols.grpc.endpoint=0.0.0.0:${port}`,
    );
    const pipeline = obj(obj(obj(collector.service).pipelines).traces);
    expect(pipeline.exporters).toEqual(['otlp/jaeger']);
    for (const processor of list(pipeline.processors))
      expect(Object.keys(obj(collector.processors))).toContain(processor);
  });

  const compose_cli =
    spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
  (compose_cli ? it : it.skip)(
    'is accepted by `docker compose config` (only where the Compose CLI exists)',
    () => {
      expect(() =>
        execFileSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], {
          stdio: 'pipe',
        }),
      ).not.toThrow();
    },
  );
});
