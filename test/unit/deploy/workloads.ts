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
  /**
   * Where each of `files` comes from, the same for every process that mounts it: Compose
   * `volume:<volume>:<path in it>` (a copy: its original's), Kubernetes `secret:<name>:<key>`
   * (projected items too) or `configMap:<name>:<file>`.
   */
  readonly origins: ReadonlyMap<string, string>;
  /** A job that runs once (Compose `restart: "no"`), not a long-running service. */
  readonly oneShot: boolean;
}

const DOWNWARD_API_PLACEHOLDER = 'pod-0';

// --- Compose ---------------------------------------------------------------------------------

export const COMPOSE_FILE = path.join(DEPLOY, 'compose', 'docker-compose.yml');

/**
 * What the Compose `certs` job leaves in each named volume: its script's `certs init --dir D`
 * (the folder of src/identity/certs), `certs issue --dir D --id URN` (clients/<name>.crt|.key),
 * files it writes with `writeFileSync('<path>'` and copies it makes with `cp <file>... <dir>/`,
 * mapped through its volume mounts. Per volume: each file's path in it, and the path of the file
 * it is a copy of (its own path when it is no copy).
 */
export function composeVolumeFiles(compose: Doc): Map<string, Map<string, string>> {
  const volumes = new Map<string, Map<string, string>>();
  for (const definition of Object.values(obj(compose.services)).map(obj)) {
    const script = list(definition.command).map(String).join('\n');
    /** Absolute path written -> the absolute path of its original. */
    const written = new Map<string, string>();
    const write = (file: string, original = file) => written.set(file, original);
    for (const match of script.matchAll(/certs init --dir (\S+)/g)) {
      const paths = certFolderPaths(match[1] as string);
      for (const file of [paths.caCertificate, paths.caPrivateKey, paths.serverCertificate])
        write(file);
      for (const file of [paths.serverPrivateKey, paths.crl, paths.revocationList]) write(file);
    }
    for (const match of script.matchAll(/certs issue --dir (\S+) --id (\S+)/g)) {
      const client = clientFilePaths(
        certFolderPaths(match[1] as string),
        clientFileName(match[2] as string),
      );
      write(client.certificate);
      write(client.privateKey);
    }
    for (const match of script.matchAll(/writeFileSync\('([^']+)'/g)) write(match[1] as string);
    for (const match of script.matchAll(/^\s*cp ((?:\S+ )+)(\S+)\/$/gm)) {
      for (const source of (match[1] as string).trim().split(' ')) {
        if (!written.has(source)) throw new Error(`cp of ${source}, which the script never makes`);
        write(path.posix.join(match[2] as string, path.posix.basename(source)), source);
      }
    }
    for (const mount of list(definition.volumes).map(String)) {
      const [volume, target] = mount.split(':') as [string, string];
      const files = volumes.get(volume) ?? new Map<string, string>();
      const inVolume = (file: string) =>
        file.startsWith(`${target}/`) ? path.posix.relative(target, file) : undefined;
      for (const [file, original] of written) {
        const relative = inVolume(file);
        if (relative !== undefined) files.set(relative, inVolume(original) ?? relative);
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
      const origins = new Map<string, string>();
      for (const mount of list(definition.volumes).map(String)) {
        const [volume, target] = mount.split(':') as [string, string];
        for (const [file, original] of volumeFiles.get(volume) ?? []) {
          origins.set(path.posix.join(target, file), `volume:${volume}:${original}`);
        }
      }
      return {
        where: 'compose' as const,
        name,
        command: list(definition.command).map(String),
        manifestEnv,
        env: { ...base, ...manifestEnv },
        files: new Set(origins.keys()),
        origins,
        oneShot: definition.restart === 'no',
      };
    });
}

// --- Kubernetes ------------------------------------------------------------------------------

type Tree = ReturnType<typeof readKustomization>;

/**
 * The files a pod volume puts in its mount folder (Secret items or keys, ConfigMap files, the
 * Secret items a projected volume gathers), each with its origin (`secret:<name>:<key>`,
 * `configMap:<name>:<file>`).
 */
function volumeFiles(volume: Doc, tree: Tree): Map<string, string> {
  if (volume.configMap !== undefined) {
    const name = String(obj(volume.configMap).name);
    const files = tree.configMaps.get(name)?.files ?? [];
    return new Map(files.map((f) => [path.basename(f), `configMap:${name}:${path.basename(f)}`]));
  }
  const secretFiles = (name: string, items: Doc[]): [string, string][] => {
    if (items.length > 0) {
      return items.map((item) => [String(item.path), `secret:${name}:${String(item.key)}`]);
    }
    const kafkaUsers = ofKind(tree, 'KafkaUser').map(nameOf);
    const keys = kafkaUsers.includes(name) ? STRIMZI_USER_SECRET_KEYS : [];
    return keys.map((key) => [key, `secret:${name}:${key}`]);
  };
  if (volume.secret !== undefined) {
    const secret = obj(volume.secret);
    return new Map(secretFiles(String(secret.secretName), list(secret.items).map(obj)));
  }
  const sources = list(obj(volume.projected).sources).map((source) => obj(obj(source).secret));
  return new Map(
    sources
      .filter((secret) => secret.name !== undefined)
      .flatMap((secret) => secretFiles(String(secret.name), list(secret.items).map(obj))),
  );
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

/** The absolute paths of the files a container's volume mounts give it, with their origins. */
function mountedFilesOf(workload: Doc, container: Doc, tree: Tree): Map<string, string> {
  const volumes = new Map(
    list(podSpec(workload).volumes).map((v) => [String(obj(v).name), obj(v)]),
  );
  const files = new Map<string, string>();
  for (const mount of list(container.volumeMounts).map(obj)) {
    const volume = volumes.get(String(mount.name));
    for (const [name, origin] of volume === undefined ? [] : volumeFiles(volume, tree)) {
      files.set(path.posix.join(String(mount.mountPath), name), origin);
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
        const origins = mountedFilesOf(workload, container, tree);
        return {
          where: 'k8s' as const,
          name: nameOf(workload),
          command: list(container.args).map(String),
          manifestEnv,
          env: { ...base, ...manifestEnv },
          files: new Set(origins.keys()),
          origins,
          oneShot: workload.kind === 'Job' || workload.kind === 'CronJob',
        };
      }),
  );
}

/** Which intelroute component a command line runs (undefined for one-shot tooling). */
export type Component = 'gateway' | 'link detector' | 'request ledger' | 'reader' | 'console';

/** The long-running CLI commands of each component (see src/cli). */
export const COMPONENT_COMMANDS: ReadonlyArray<{ component: Component; command: string[] }> = [
  { component: 'gateway', command: ['gateway'] },
  { component: 'link detector', command: ['links', 'run'] },
  { component: 'request ledger', command: ['requests', 'run'] },
  { component: 'reader', command: ['consume'] },
  { component: 'console', command: ['console'] },
];

export function componentOf(command: readonly string[]): Component | undefined {
  return COMPONENT_COMMANDS.find(({ command: start }) =>
    start.every((word, i) => command[i] === word),
  )?.component;
}
