import path from 'node:path';
import { certFolderPaths, clientFileName, clientFilePaths } from '../../../src/identity/certs';
import { DEPLOY, list, obj, readYaml, type Doc } from './deploy-files';
import { imageEnv } from './dockerfile-stages';
import { containers, nameOf, ofKind, podSpec, readKustomization } from './kustomize-tree';

/** The image every intelroute service of the Compose file runs. */
export const COMPOSE_IMAGE = 'intelroute:0.1.0';
/** The image name intelroute containers use in deploy/k8s (the kustomization pins it). */
export const K8S_IMAGE = 'intelroute';

/**
 * Keys of the Secret the Strimzi user operator writes for a KafkaUser with TLS authentication
 * (Strimzi's documented layout: the user's certificate and key, its CA, a PKCS #12 store).
 */
const STRIMZI_USER_SECRET_KEYS = ['ca.crt', 'user.crt', 'user.key', 'user.p12', 'user.password'];

/** One intelroute container as deployed: what it runs, sees in its environment and on disk. */
export interface Process {
  readonly where: 'compose' | 'k8s';
  readonly name: string;
  /** The CLI arguments (the image's entrypoint is `node dist/cli/main.js`). */
  readonly command: readonly string[];
  /** Variables the manifest sets (k8s: its own `env` and the ConfigMaps of `envFrom`). */
  readonly manifestEnv: Readonly<Record<string, string>>;
  /** What the process sees: the image's ENV, then the manifest's. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute paths of the files its mounts give it (as far as the manifests say). */
  readonly files: ReadonlySet<string>;
  /** A job that runs once (Compose `restart: "no"`), not a long-running service. */
  readonly oneShot: boolean;
}

const DOWNWARD_API_PLACEHOLDER = 'pod-0';

// --- Compose ---------------------------------------------------------------------------------

export const COMPOSE_FILE = path.join(DEPLOY, 'compose', 'docker-compose.yml');

/**
 * What the Compose `certs` job leaves in each named volume: its script's `certs init --dir D`
 * (the folder of src/identity/certs), `certs issue --dir D --id URN` (clients/<name>.crt|.key)
 * and files it writes with `writeFileSync('<path>'`, mapped through its volume mounts.
 */
export function composeVolumeFiles(compose: Doc): Map<string, Set<string>> {
  const volumes = new Map<string, Set<string>>();
  for (const definition of Object.values(obj(compose.services)).map(obj)) {
    const script = list(definition.command).map(String).join('\n');
    const written: string[] = [];
    for (const match of script.matchAll(/certs init --dir (\S+)/g)) {
      const paths = certFolderPaths(match[1] as string);
      written.push(paths.caCertificate, paths.caPrivateKey, paths.serverCertificate);
      written.push(paths.serverPrivateKey, paths.crl, paths.revocationList);
    }
    for (const match of script.matchAll(/certs issue --dir (\S+) --id (\S+)/g)) {
      const client = clientFilePaths(
        certFolderPaths(match[1] as string),
        clientFileName(match[2] as string),
      );
      written.push(client.certificate, client.privateKey);
    }
    for (const match of script.matchAll(/writeFileSync\('([^']+)'/g))
      written.push(match[1] as string);
    for (const mount of list(definition.volumes).map(String)) {
      const [volume, target] = mount.split(':') as [string, string];
      const files = volumes.get(volume) ?? new Set<string>();
      for (const file of written) {
        if (file.startsWith(`${target}/`)) files.add(path.posix.relative(target, file));
      }
      volumes.set(volume, files);
    }
  }
  return volumes;
}

/** Every service of the Compose file that runs the intelroute image. */
export function composeProcesses(compose: Doc = readYaml(COMPOSE_FILE)): Process[] {
  const volumeFiles = composeVolumeFiles(compose);
  const base = imageEnv();
  return Object.entries(obj(compose.services))
    .filter(([, definition]) => obj(definition).image === COMPOSE_IMAGE)
    .map(([name, value]) => {
      const definition = obj(value);
      const manifestEnv = Object.fromEntries(
        Object.entries(obj(definition.environment)).map(([k, v]) => [k, String(v)]),
      );
      const files = new Set<string>();
      for (const mount of list(definition.volumes).map(String)) {
        const [volume, target] = mount.split(':') as [string, string];
        for (const file of volumeFiles.get(volume) ?? []) files.add(path.posix.join(target, file));
      }
      return {
        where: 'compose' as const,
        name,
        command: list(definition.command).map(String),
        manifestEnv,
        env: { ...base, ...manifestEnv },
        files,
        oneShot: definition.restart === 'no',
      };
    });
}

// --- Kubernetes ------------------------------------------------------------------------------

type Tree = ReturnType<typeof readKustomization>;

/** The file names a pod volume puts in its mount folder (Secret items or keys, ConfigMap files). */
function volumeFileNames(volume: Doc, tree: Tree): string[] {
  if (volume.configMap !== undefined) {
    const files = tree.configMaps.get(String(obj(volume.configMap).name))?.files ?? [];
    return files.map((file) => path.basename(file));
  }
  if (volume.secret === undefined) return [];
  const secret = obj(volume.secret);
  const items = list(secret.items).map(obj);
  if (items.length > 0) return items.map((item) => String(item.path));
  const kafkaUsers = ofKind(tree, 'KafkaUser').map(nameOf);
  return kafkaUsers.includes(String(secret.secretName)) ? STRIMZI_USER_SECRET_KEYS : [];
}

/** What a container's environment holds: its ConfigMaps (`envFrom`), then its own `env`. */
function manifestEnvOf(container: Doc, tree: Tree): Record<string, string> {
  const fromConfigMaps = list(container.envFrom)
    .map((e) => String(obj(obj(e).configMapRef).name))
    .flatMap((name) => [...(tree.configMaps.get(name)?.literals ?? new Map<string, string>())]);
  const own = list(container.env)
    .map(obj)
    .map((e) => [
      String(e.name),
      e.value === undefined ? DOWNWARD_API_PLACEHOLDER : String(e.value),
    ]);
  return Object.fromEntries([...fromConfigMaps, ...own]) as Record<string, string>;
}

/** The absolute paths of the files a container's volume mounts give it. */
function mountedFilesOf(workload: Doc, container: Doc, tree: Tree): Set<string> {
  const volumes = new Map(
    list(podSpec(workload).volumes).map((v) => [String(obj(v).name), obj(v)]),
  );
  const files = new Set<string>();
  for (const mount of list(container.volumeMounts).map(obj)) {
    const volume = volumes.get(String(mount.name));
    for (const name of volume === undefined ? [] : volumeFileNames(volume, tree)) {
      files.add(path.posix.join(String(mount.mountPath), name));
    }
  }
  return files;
}

/** Every container of deploy/k8s that runs the intelroute image. */
export function k8sProcesses(tree: Tree = readKustomization()): Process[] {
  const base = imageEnv();
  const workloads = ['Deployment', 'StatefulSet', 'Job', 'CronJob'].flatMap((kind) =>
    ofKind(tree, kind),
  );
  return workloads.flatMap((workload) =>
    containers(workload)
      .filter((container) => container.image === K8S_IMAGE)
      .map((container) => {
        const manifestEnv = manifestEnvOf(container, tree);
        return {
          where: 'k8s' as const,
          name: nameOf(workload),
          command: list(container.args).map(String),
          manifestEnv,
          env: { ...base, ...manifestEnv },
          files: mountedFilesOf(workload, container, tree),
          oneShot: workload.kind === 'Job' || workload.kind === 'CronJob',
        };
      }),
  );
}

/** Which intelroute component a command line runs (undefined for one-shot tooling). */
export type Component = 'gateway' | 'link detector' | 'request ledger' | 'reader';

/** The long-running CLI commands of each component (see src/cli). */
export const COMPONENT_COMMANDS: ReadonlyArray<{ component: Component; command: string[] }> = [
  { component: 'gateway', command: ['gateway'] },
  { component: 'link detector', command: ['links', 'run'] },
  { component: 'request ledger', command: ['requests', 'run'] },
  { component: 'reader', command: ['consume'] },
];

export function componentOf(command: readonly string[]): Component | undefined {
  return COMPONENT_COMMANDS.find(({ command: start }) =>
    start.every((word, i) => command[i] === word),
  )?.component;
}
