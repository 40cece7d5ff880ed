import { loadConfig } from '../../../src/config';
import { list, obj, type Doc } from './deploy-files';
import { containers, nameOf, ofKind, readKustomization } from './kustomize-tree';
import { componentOf, K8S_IMAGE, k8sProcesses } from './workloads';

const tree = readKustomization();
const kafka = ofKind(tree, 'Kafka')[0] as Doc;
const workloads = [...ofKind(tree, 'Deployment'), ...ofKind(tree, 'StatefulSet')].filter((w) =>
  containers(w).some((c) => c.image === K8S_IMAGE),
);
const policies = ofKind(tree, 'NetworkPolicy');
const labelsOf = (workload: Doc) => obj(obj(obj(workload.spec).template).metadata).labels;
const processes = k8sProcesses(tree);
const processOf = (workload: Doc) => processes.find((p) => p.name === nameOf(workload));
const configOf = (workload: Doc) => loadConfig({ env: processOf(workload)?.env ?? {} });

/** Kubernetes label selector semantics (matchLabels and In / NotIn / Exists expressions). */
function selects(selector: unknown, labels: unknown): boolean {
  const { matchLabels, matchExpressions } = obj(selector);
  const have = obj(labels);
  const byLabel = Object.entries(obj(matchLabels)).every(([k, v]) => have[k] === v);
  const byExpression = list(matchExpressions)
    .map(obj)
    .every((e) => {
      const value = have[String(e.key)];
      const values = list(e.values);
      if (e.operator === 'In') return values.includes(value);
      if (e.operator === 'NotIn') return !values.includes(value);
      if (e.operator === 'Exists') return value !== undefined;
      return false;
    });
  return byLabel && byExpression;
}

/** The rules of one direction that apply to a pod, from every policy selecting it. */
function rulesFor(labels: unknown, direction: 'Ingress' | 'Egress'): Doc[] {
  return policies
    .filter((p) => selects(obj(p.spec).podSelector, labels))
    .filter((p) => list(obj(p.spec).policyTypes).includes(direction))
    .flatMap((p) => list(obj(p.spec)[direction === 'Ingress' ? 'ingress' : 'egress']).map(obj));
}

const portsOf = (rule: Doc) => list(rule.ports).map((p) => Number(obj(p).port));
const peersOf = (rule: Doc, direction: 'Ingress' | 'Egress') =>
  list(rule[direction === 'Ingress' ? 'from' : 'to']).map(obj);
/** Rules letting `port` through (a rule without ports lets every port through). */
const rulesForPort = (rules: Doc[], port: number) =>
  rules.filter((r) => portsOf(r).length === 0 || portsOf(r).includes(port));

function hostPort(address: string): { host: string; port: number } {
  const match = /^(?:[a-z]+:\/\/)?([^:/]+):(\d+)/.exec(address);
  if (match === null) throw new Error(`no host:port in ${address}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

describe('deploy/k8s: how the gateway is reached, and who may talk to whom', () => {
  const gateway = workloads.find((w) => nameOf(w) === 'gateway') as Doc;
  const grpcPort = configOf(gateway).gateway.port;
  const metricsPort = configOf(gateway).telemetry.metricsPort as number;
  const opsConsole = workloads.find((w) => nameOf(w) === 'console') as Doc;
  const consolePort = configOf(opsConsole).console.port;

  it('exposes the gateway’s gRPC port, and only it, through a TCP load balancer (TLS passthrough)', () => {
    const external = ofKind(tree, 'Service').filter((s) =>
      ['LoadBalancer', 'NodePort'].includes(String(obj(s.spec).type)),
    );
    expect(external.map(nameOf)).toEqual(['gateway-external']);
    const spec = obj(external[0]?.spec);
    expect(selects({ matchLabels: spec.selector }, labelsOf(gateway))).toBe(true);
    // Local: the gateway sees the client's own address (per-address connection limit, logs).
    expect(spec.externalTrafficPolicy).toBe('Local');
    const container = containers(gateway)[0] as Doc;
    const ports = list(spec.ports).map(obj);
    expect(ports).toHaveLength(1);
    const target = list(container.ports)
      .map(obj)
      .find((p) => p.name === ports[0]?.targetPort);
    expect([ports[0]?.protocol ?? 'TCP', target?.containerPort]).toEqual(['TCP', grpcPort]);
    // Nothing that terminates TLS in front of the gateway: it must see the client certificate.
    expect(ofKind(tree, 'Ingress')).toEqual([]);
  });

  it('denies every intelroute pod’s traffic both ways unless a policy allows it', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(6);
    for (const workload of workloads) {
      const denyAll = policies.filter(
        (p) =>
          selects(obj(p.spec).podSelector, labelsOf(workload)) &&
          ['Ingress', 'Egress'].every((t) => list(obj(p.spec).policyTypes).includes(t)),
      );
      expect([nameOf(workload), denyAll.length > 0]).toEqual([nameOf(workload), true]);
    }
  });

  it('admits the gRPC port of the gateway from anywhere, and of nothing else', () => {
    for (const workload of workloads) {
      const rules = rulesForPort(rulesFor(labelsOf(workload), 'Ingress'), grpcPort);
      if (workload === gateway) {
        expect(rules.some((r) => peersOf(r, 'Ingress').length === 0)).toBe(true);
      } else expect([nameOf(workload), rules]).toEqual([nameOf(workload), []]);
    }
  });

  it('admits the metrics port only from the monitoring namespace, and no other port', () => {
    for (const workload of workloads) {
      const rules = rulesFor(labelsOf(workload), 'Ingress');
      const metrics = rulesForPort(rules, metricsPort);
      expect(metrics.length).toBeGreaterThan(0);
      for (const rule of metrics) {
        const peers = peersOf(rule, 'Ingress');
        expect(peers.length).toBeGreaterThan(0);
        for (const peer of peers) {
          expect(Object.keys(peer)).toEqual(['namespaceSelector']);
          expect(obj(obj(peer.namespaceSelector).matchLabels)).toEqual({
            'kubernetes.io/metadata.name': 'monitoring',
          });
        }
      }
      const own = workload === opsConsole ? [consolePort] : [];
      const others = rules
        .flatMap(portsOf)
        .filter((p) => p !== metricsPort && p !== grpcPort && !own.includes(p));
      expect([nameOf(workload), others]).toEqual([nameOf(workload), []]);
    }
  });

  it('admits the console’s port only to the console, from a named namespace, never from anywhere', () => {
    expect(consolePort).toBe(9470);
    for (const workload of workloads) {
      const rules = rulesForPort(rulesFor(labelsOf(workload), 'Ingress'), consolePort);
      if (workload !== opsConsole) {
        expect([nameOf(workload), rules]).toEqual([nameOf(workload), []]);
        continue;
      }
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        // A rule without `from` would admit the whole cluster and every load balancer.
        const peers = peersOf(rule, 'Ingress');
        expect(peers.length).toBeGreaterThan(0);
        for (const peer of peers) {
          expect(Object.keys(peer)).toEqual(['namespaceSelector']);
          const labels = obj(obj(peer.namespaceSelector).matchLabels);
          expect(Object.keys(labels)).toEqual(['kubernetes.io/metadata.name']);
          // Not the namespace Prometheus runs in: scraping needs no console.
          expect(labels['kubernetes.io/metadata.name']).not.toBe('monitoring');
        }
      }
    }
  });

  it('serves the console in-cluster only, through a Service on the port it listens on', () => {
    const services = ofKind(tree, 'Service').filter((s) =>
      selects({ matchLabels: obj(s.spec).selector }, labelsOf(opsConsole)),
    );
    expect(services.map(nameOf)).toEqual(['intelroute-console']);
    const spec = obj(services[0]?.spec);
    expect(spec.type ?? 'ClusterIP').toBe('ClusterIP');
    const https = list(spec.ports)
      .map(obj)
      .find((p) => p.name === 'https');
    const target = list(containers(opsConsole)[0]?.ports)
      .map(obj)
      .find((p) => p.name === https?.targetPort);
    expect([https?.port, target?.containerPort]).toEqual([consolePort, consolePort]);
    expect(String(processOf(opsConsole)?.env.INTELROUTE_CONSOLE_PORT)).toBe(String(consolePort));
  });

  it('lets every pod reach the Kafka brokers, DNS and the collector; the system services the gateway', () => {
    const listenerPort = Number(obj(list(obj(obj(kafka.spec).kafka).listeners)[0]).port);
    const brokerLabels = { 'strimzi.io/cluster': nameOf(kafka), 'strimzi.io/broker-role': 'true' };
    for (const workload of workloads) {
      const config = configOf(workload);
      const rules = rulesFor(labelsOf(workload), 'Egress');
      const reaches = (port: number, peer: (p: Doc) => boolean) =>
        rulesForPort(rules, port).some((r) => {
          const peers = peersOf(r, 'Egress');
          return peers.length === 0 || peers.some(peer);
        });
      for (const broker of config.kafka.brokers ?? []) {
        expect(hostPort(broker).port).toBe(listenerPort);
      }
      expect(reaches(listenerPort, (p) => selects(p.podSelector, brokerLabels))).toBe(true);
      // DNS: port 53 to wherever the cluster serves it (no peer named).
      expect(reaches(53, () => false)).toBe(true);
      const otlp = hostPort(String(processOf(workload)?.env.OTEL_EXPORTER_OTLP_ENDPOINT));
      const namespace = otlp.host.split('.')[1];
      expect(
        reaches(otlp.port, (p) =>
          selects(p.namespaceSelector, { 'kubernetes.io/metadata.name': namespace }),
        ),
      ).toBe(true);
      const toGateway = reaches(grpcPort, (p) => selects(p.podSelector, labelsOf(gateway)));
      const system = ['link detector', 'request ledger'].includes(
        String(componentOf(list(containers(workload)[0]?.args).map(String))),
      );
      expect([nameOf(workload), toGateway]).toEqual([nameOf(workload), system]);
      if (system) {
        expect(hostPort(config.systemClient.gatewayAddress as string).port).toBe(grpcPort);
      }
    }
  });

  it('has the Prometheus Operator scrape /metrics of every intelroute pod once, through its Service', () => {
    const monitors = ofKind(tree, 'ServiceMonitor');
    expect(monitors).toHaveLength(1);
    const spec = obj(monitors[0]?.spec);
    expect(list(spec.endpoints).map(obj)).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics' }),
    ]);
    const scraped = ofKind(tree, 'Service').filter((s) =>
      selects(spec.selector, obj(s.metadata).labels),
    );
    for (const workload of workloads) {
      const services = scraped.filter((s) =>
        selects({ matchLabels: obj(s.spec).selector }, labelsOf(workload)),
      );
      expect([nameOf(workload), services.length]).toEqual([nameOf(workload), 1]);
      const port = list(obj(services[0]?.spec).ports)
        .map(obj)
        .find((p) => p.name === 'metrics');
      const target = list(containers(workload)[0]?.ports)
        .map(obj)
        .find((p) => p.name === port?.targetPort);
      expect(target?.containerPort).toBe(metricsPort);
    }
    expect(scraped.map(nameOf)).not.toContain('gateway-external');
    // No pod asks to be scraped a second way too.
    for (const workload of workloads) {
      const annotations = obj(obj(obj(workload.spec).template).metadata).annotations;
      expect(Object.keys(obj(annotations)).filter((a) => a.startsWith('prometheus.io/'))).toEqual(
        [],
      );
    }
  });
});
