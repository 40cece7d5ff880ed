import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { accessModeOf } from '../../../src/console/console-access';
import { isPinned, list, obj, type Doc } from './deploy-files';
import {
  containers,
  envValue,
  K8S,
  nameOf,
  ofKind,
  podSpec,
  readKustomization,
} from './kustomize-tree';

const tree = readKustomization();
const workloads = [
  ...ofKind(tree, 'Deployment'),
  ...ofKind(tree, 'StatefulSet'),
  ...ofKind(tree, 'Job'),
];
const sharedEnv = tree.configMaps.get('intelroute-env')?.literals ?? new Map<string, string>();
const gateway = ofKind(tree, 'Deployment').find((d) => nameOf(d) === 'gateway') as Doc;

/** The config a container's process loads: the shared ConfigMap plus its own `env` values. */
function configOf(container: Doc) {
  const own = list(container.env)
    .map(obj)
    .filter((e) => e.value !== undefined);
  const env = {
    ...Object.fromEntries(sharedEnv),
    ...Object.fromEntries(own.map((e) => [String(e.name), String(e.value)])),
  };
  return loadConfig({ env });
}

/** The container port a probe or Service names (by name or number). */
function portNumber(container: Doc, port: unknown): number | undefined {
  const ports = list(container.ports).map(obj);
  const found =
    typeof port === 'number'
      ? ports.find((p) => p.containerPort === port)
      : ports.find((p) => p.name === port);
  return found === undefined ? undefined : Number(found.containerPort);
}

function labelsMatch(selector: unknown, labels: unknown): boolean {
  const wanted = Object.entries(obj(selector));
  return wanted.length > 0 && wanted.every(([key, value]) => obj(labels)[key] === value);
}

const templateLabels = (workload: Doc) => obj(obj(obj(workload.spec).template).metadata).labels;
const componentOf = (workload: Doc) => obj(templateLabels(workload))['app.kubernetes.io/component'];

describe('deploy/k8s (kustomize)', () => {
  it('references only files that exist, and every YAML parses', () => {
    expect(tree.references.length).toBeGreaterThan(10);
    for (const reference of tree.references) {
      expect([path.relative(K8S, reference.path), reference.exists]).toEqual([
        path.relative(K8S, reference.path),
        true,
      ]);
    }
    expect(
      tree.docs.every((doc) => typeof doc.kind === 'string' && nameOf(doc) !== 'undefined'),
    ).toBe(true);
  });

  it('runs the gateway as a Deployment, the system services and the three reader kinds, with their commands', () => {
    expect(gateway).toBeDefined();
    expect(containers(gateway)[0]?.args).toEqual(['gateway']);
    const sets = ofKind(tree, 'StatefulSet');
    const argsOf = (component: string) =>
      sets.filter((s) => componentOf(s) === component).map((s) => containers(s)[0]?.args);
    expect(argsOf('reader')).toEqual([
      ['consume', 'country', 'FR'],
      ['consume', 'secretariat'],
      ['consume', 'working-group'],
    ]);
    expect(argsOf('link-detector')).toEqual([['links', 'run']]);
    expect(argsOf('request-ledger')).toEqual([['requests', 'run']]);
    expect(sets.map(componentOf).sort()).toEqual(
      ['link-detector', 'reader', 'reader', 'reader', 'request-ledger'].sort(),
    );
    // The ops console: one Deployment, one replica (each would read the whole trail).
    const consoles = ofKind(tree, 'Deployment').filter((d) => componentOf(d) === 'console');
    expect(consoles.map((d) => [nameOf(d), obj(d.spec).replicas, containers(d)[0]?.args])).toEqual([
      ['console', 1, ['console']],
    ]);
  });

  it('serves the console over mTLS from the TLS folder its Secret is mounted as', () => {
    const opsConsole = ofKind(tree, 'Deployment').find((d) => nameOf(d) === 'console') as Doc;
    const container = containers(opsConsole)[0] as Doc;
    const config = configOf(container);
    expect(config.console.host).toBe('0.0.0.0');
    expect([config.console.access, accessModeOf(config.console)]).toEqual(['mtls', 'mtls']);
    expect(portNumber(container, 'https')).toBe(config.console.port);
    expect(envValue(container, 'INTELROUTE_CONSOLE_PORT')).toBe(String(config.console.port));
    // Its own Secret, not the gateway's: the console's pod holds no key of the gateway's.
    const certsDir = config.gateway.tls.certsDir as string;
    const mount = list(container.volumeMounts)
      .map(obj)
      .find((m) => m.mountPath === certsDir);
    const volume = list(podSpec(opsConsole).volumes)
      .map(obj)
      .find((v) => v.name === mount?.name);
    expect(obj(volume?.secret).secretName).toBe('intelroute-console-tls');
    // Of other components' Secrets it may see certificates (the writers' it trusts), never a key.
    const ownSecrets = new Set(['intelroute-console-tls', 'intelroute-console']);
    for (const v of list(podSpec(opsConsole).volumes).map(obj)) {
      const secrets = [
        obj(v.secret),
        ...list(obj(v.projected).sources).map((source) => obj(obj(source).secret)),
      ].filter((secret) => Object.keys(secret).length > 0);
      for (const secret of secrets) {
        const name = String(secret.secretName ?? secret.name);
        if (ownSecrets.has(name) || name.endsWith('-cluster-ca-cert')) continue;
        const items = list(secret.items).map(obj);
        expect([name, items.length > 0]).toEqual([name, true]);
        for (const item of items)
          expect([name, String(item.key)]).toEqual([name, expect.stringMatching(/\.crt$/)]);
      }
    }
  });

  it('pins every container image, directly or through the kustomization’s images', () => {
    for (const container of workloads.flatMap(containers)) {
      const image = String(container.image);
      const override = tree.images.get(image);
      const resolved =
        override === undefined
          ? image
          : `${String(override.newName ?? image)}:${String(override.newTag ?? '')}`;
      expect([image, isPinned(resolved)]).toEqual([image, true]);
    }
  });

  it('runs every pod and container non-root, without privilege escalation or capabilities', () => {
    for (const workload of workloads) {
      const pod = obj(podSpec(workload).securityContext);
      expect([nameOf(workload), pod.runAsNonRoot, obj(pod.seccompProfile).type]).toEqual([
        nameOf(workload),
        true,
        'RuntimeDefault',
      ]);
      expect(Number(pod.runAsUser)).toBeGreaterThan(0);
      for (const container of containers(workload)) {
        const security = obj(container.securityContext);
        expect([
          security.runAsNonRoot,
          security.allowPrivilegeEscalation,
          obj(security.capabilities).drop,
        ]).toEqual([true, false, ['ALL']]);
      }
    }
    for (const doc of [...ofKind(tree, 'Kafka'), ...ofKind(tree, 'KafkaNodePool')]) {
      const template =
        doc.kind === 'Kafka' ? obj(obj(doc.spec).kafka).template : obj(doc.spec).template;
      expect(obj(obj(obj(template).pod).securityContext).runAsNonRoot).toBe(true);
    }
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the port the app serves them on', () => {
    for (const workload of workloads) {
      for (const container of containers(workload)) {
        const { metricsPort, metricsHost } = configOf(container).telemetry;
        expect([metricsHost, metricsPort]).toEqual(['0.0.0.0', 9464]);
        expect(list(container.envFrom).map((e) => obj(obj(e).configMapRef).name)).toContain(
          'intelroute-env',
        );
        const liveness = obj(obj(container.livenessProbe).httpGet);
        const readiness = obj(obj(container.readinessProbe).httpGet);
        expect([liveness.path, portNumber(container, liveness.port)]).toEqual([
          '/healthz',
          metricsPort,
        ]);
        expect([readiness.path, portNumber(container, readiness.port)]).toEqual([
          '/readyz',
          metricsPort,
        ]);
      }
    }
  });

  it("checks the gateway's gRPC health at startup with the mounted probe, on the gRPC port", () => {
    const container = containers(gateway)[0] as Doc;
    const { port, host } = configOf(container).gateway;
    expect([host, portNumber(container, 'grpc')]).toEqual(['0.0.0.0', port]);
    expect(envValue(container, 'INTELROUTE_GATEWAY_PORT')).toBe(String(port));
    const command = list(obj(obj(container.startupProbe).exec).command).map(String);
    const script = command.find((part) => part.endsWith('.js')) as string;
    const mount = list(container.volumeMounts)
      .map(obj)
      .find((m) => script.startsWith(`${String(m.mountPath)}/`));
    const volume = list(podSpec(gateway).volumes)
      .map(obj)
      .find((v) => v.name === mount?.name);
    const configMap = String(obj(volume?.configMap).name);
    expect(tree.configMaps.get(configMap)?.files).toContain(path.basename(script));
  });

  it('gives the gateway Service, PodDisruptionBudget and autoscaler the pods and ports they mean', () => {
    const container = containers(gateway)[0] as Doc;
    const service = ofKind(tree, 'Service').find((s) => nameOf(s) === 'gateway') as Doc;
    expect(labelsMatch(obj(service.spec).selector, templateLabels(gateway))).toBe(true);
    for (const port of list(obj(service.spec).ports).map(obj))
      expect(portNumber(container, port.targetPort)).toBeDefined();
    const pdb = ofKind(tree, 'PodDisruptionBudget')[0] as Doc;
    expect(labelsMatch(obj(obj(pdb.spec).selector).matchLabels, templateLabels(gateway))).toBe(
      true,
    );
    const hpa = ofKind(tree, 'HorizontalPodAutoscaler')[0] as Doc;
    expect(obj(obj(hpa.spec).scaleTargetRef)).toMatchObject({
      kind: 'Deployment',
      name: 'gateway',
    });
    // A node drain must be possible: more replicas at minimum than the budget keeps.
    expect(Number(obj(hpa.spec).minReplicas)).toBeGreaterThan(Number(obj(pdb.spec).minAvailable));
  });

  it('names each pod its instance id, and gives each StatefulSet a headless Service', () => {
    const instanceVariable = (w: Doc) =>
      w.kind === 'Deployment' ? 'INTELROUTE_GATEWAY_INSTANCE_ID' : 'INTELROUTE_READER_INSTANCE_ID';
    const readersAndGateway = workloads.filter((w) =>
      ['gateway', 'reader'].includes(String(componentOf(w))),
    );
    expect(readersAndGateway).toHaveLength(4);
    for (const workload of readersAndGateway) {
      const entry = list((containers(workload)[0] as Doc).env)
        .map(obj)
        .find((e) => e.name === instanceVariable(workload));
      expect(obj(obj(entry?.valueFrom).fieldRef).fieldPath).toBe('metadata.name');
    }
    // `links run` and `requests run` take `<service>-<host name>` as instance id: a StatefulSet
    // pod's host name is its name, stable across restarts, unless the pod spec overrides it.
    for (const component of ['link-detector', 'request-ledger']) {
      const set = ofKind(tree, 'StatefulSet').find((s) => componentOf(s) === component) as Doc;
      expect(podSpec(set).hostname).toBeUndefined();
      expect(list(containers(set)[0]?.args)).not.toContain('--instance-id');
    }
    for (const set of ofKind(tree, 'StatefulSet')) {
      const service = ofKind(tree, 'Service').find(
        (s) => nameOf(s) === obj(set.spec).serviceName,
      ) as Doc;
      expect(obj(service.spec).clusterIP).toBe('None');
      expect(labelsMatch(obj(service.spec).selector, templateLabels(set))).toBe(true);
    }
  });

  it('mounts each workload’s own KafkaUser secret and the cluster CA', () => {
    const users = new Set(ofKind(tree, 'KafkaUser').map(nameOf));
    const kafkaName = nameOf(ofKind(tree, 'Kafka')[0] as Doc);
    for (const workload of workloads) {
      const secrets = list(podSpec(workload).volumes).map((v) =>
        String(obj(obj(v).secret).secretName),
      );
      const own = secrets.filter((s) => users.has(s));
      expect([nameOf(workload), own]).toEqual([
        nameOf(workload),
        [`intelroute-${nameOf(workload)}`],
      ]);
      expect(secrets).toContain(`${kafkaName}-cluster-ca-cert`);
    }
    expect(sharedEnv.get('KAFKA_BROKERS')).toBe(`${kafkaName}-kafka-bootstrap:9093`);
  });
});
