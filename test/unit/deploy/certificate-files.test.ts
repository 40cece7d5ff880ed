import { Kafka } from 'kafkajs';
import path from 'node:path';
import { buildLinkDetector, buildRequestLedger } from '../../../src/app/system-services';
import { optionalSigner, trustedWriterKeys } from '../../../src/audit/writer-keys';
import { accessModeOf } from '../../../src/console/console-access';
import { OpsConsole } from '../../../src/console/ops-console';
import { createGatewayClient } from '../../../src/client';
import { loadConfig, type IntelrouteConfig } from '../../../src/config';
import { gatewayCredentials } from '../../../src/gateway/grpc/server-credentials';
import { certFolderPaths, clientFileName, clientFilePaths } from '../../../src/identity/certs';
import type { KafkaClient } from '../../../src/kafka/kafka-connection';
import { silentLogger } from '../../../src/telemetry/logger';
import { list, obj } from './deploy-files';
import { ofKind, podSpec, readKustomization } from './kustomize-tree';
import { componentOf, composeProcesses, k8sProcesses, type Process } from './workloads';

/*
 * The code runs against the files the manifests mount, and nothing else: paths under the
 * deployment roots exist only when a mount provides them (a Secret item, a Compose volume the
 * `certs` job filled), and every read of such a path is recorded. TLS parsing and key loading
 * are stubbed out: what is checked is which files the code opens.
 */
const VIRTUAL_ROOTS = ['/etc/intelroute/', '/var/lib/intelroute/'];

interface VirtualFs {
  readonly files: Map<string, Buffer>;
  readonly reads: string[];
}

// The factory runs before this module's constants exist: it repeats VIRTUAL_ROOTS.
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  const state: VirtualFs = { files: new Map(), reads: [] };
  const virtual = (file: unknown) =>
    ['/etc/intelroute/', '/var/lib/intelroute/'].some((root) => String(file).startsWith(root));
  return {
    ...actual,
    mockState: state,
    existsSync: (file: string) =>
      virtual(file) ? state.files.has(String(file)) : actual.existsSync(file),
    // A mounted folder lists the files mounted directly in it.
    readdirSync: (dir: string, ...rest: unknown[]) => {
      if (!virtual(dir)) return (actual.readdirSync as (...a: unknown[]) => unknown)(dir, ...rest);
      const prefix = `${String(dir).replace(/\/$/, '')}/`;
      const names = [...state.files.keys()]
        .filter((file) => file.startsWith(prefix) && !file.slice(prefix.length).includes('/'))
        .map((file) => file.slice(prefix.length));
      if (names.length === 0) {
        throw Object.assign(new Error(`ENOENT: no such directory, scandir '${dir}'`), {
          code: 'ENOENT',
        });
      }
      return names;
    },
    readFileSync: (file: string, ...rest: unknown[]) => {
      if (!virtual(file))
        return (actual.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
      state.reads.push(String(file));
      const content = state.files.get(String(file));
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
      }
      return rest.length > 0 && rest[0] !== null ? content.toString('utf8') : content;
    },
  };
});
jest.mock('../../../src/client', () => ({
  ...jest.requireActual('../../../src/client'),
  createGatewayClient: jest.fn(() => ({ publish: jest.fn(), close: jest.fn() })),
}));
jest.mock('../../../src/audit/head-signature', () => ({
  ...jest.requireActual('../../../src/audit/head-signature'),
  headSignerFromPem: jest.fn(() => ({ sign: jest.fn() })),
  trustedWriterKey: jest.fn((_pem: unknown, source: string) => ({ source })),
}));
jest.mock('../../../src/identity/certs', () => ({
  ...jest.requireActual('../../../src/identity/certs'),
  MtlsServerCredentials: class {
    updateCrl(): void {}
  },
  revokedSerials: () => new Set<string>(),
}));

const fs = jest.requireMock<{ mockState: VirtualFs }>('node:fs').mockState;
const gatewayClient = createGatewayClient as jest.MockedFunction<typeof createGatewayClient>;

/** Makes the process's mounted files exist (a link secret gets 48 bytes, as `certs` makes). */
function mount(deployed: Process): IntelrouteConfig {
  fs.files.clear();
  fs.reads.length = 0;
  for (const file of deployed.files) {
    expect(VIRTUAL_ROOTS.some((root) => file.startsWith(root))).toBe(true);
    fs.files.set(file, Buffer.alloc(48, 0x61));
  }
  gatewayClient.mockClear();
  return loadConfig({ env: deployed.env });
}

const deps = { kafka: {} as KafkaClient, logger: silentLogger(), instanceId: 'instance-0' };

/** The TLS files the system service's gateway client was created with. */
function systemClientFiles(): string[] {
  expect(gatewayClient).toHaveBeenCalledTimes(1);
  const tls = obj(obj(gatewayClient.mock.calls[0]?.[0]).tls);
  return [tls.caFile, tls.certFile, tls.keyFile].map(String);
}

const processes = [...composeProcesses(), ...k8sProcesses()].filter((p) => !p.oneShot);
const named = (component: string) =>
  processes.filter((p) => componentOf(p.command) === component).map((p) => [p.where, p.name, p]);

describe('certificate and secret files: what the manifests mount is what the code reads', () => {
  it.each(named('gateway'))(
    '%s %s: the gateway finds ca.crt, server.crt, server.key and crl.pem',
    (_w, _n, deployed) => {
      const config = mount(deployed as Process);
      const dir = config.gateway.tls.certsDir as string;
      expect(dir).toEqual(expect.any(String));
      expect(() => gatewayCredentials(config.gateway)).not.toThrow();
      const folder = certFolderPaths(dir);
      // The CRL too: without it revoked certificates would still be accepted.
      expect(fs.reads).toEqual(
        expect.arrayContaining([
          folder.caCertificate,
          folder.serverCertificate,
          folder.serverPrivateKey,
          folder.crl,
        ]),
      );
      expect(optionalSigner(config).signer).toBeDefined();
    },
  );

  it.each([...named('link detector'), ...named('request ledger')])(
    '%s %s: the system service finds its client certificate and signing key (and the detector its secret)',
    (_w, _n, deployed) => {
      const detector = componentOf((deployed as Process).command) === 'link detector';
      const component = detector ? 'link-detector' : 'request-ledger';
      const build = detector ? buildLinkDetector : buildRequestLedger;
      const config = mount(deployed as Process);
      expect(() => build(config, deps)).not.toThrow();
      if (detector) expect(fs.reads).toContain(config.links.secretFile);
      const folder = certFolderPaths(config.systemClient.certsDir as string);
      const client = clientFilePaths(folder, clientFileName(`urn:intelroute:system:${component}`));
      expect(systemClientFiles()).toEqual([
        folder.caCertificate,
        client.certificate,
        client.privateKey,
      ]);
      for (const file of systemClientFiles())
        expect((deployed as Process).files.has(file)).toBe(true);
      expect(config.audit.signingKeyFile).toBe(client.privateKey);
      expect(fs.reads).toContain(client.privateKey);
    },
  );

  it.each(named('console'))(
    '%s %s: the ops console serves mTLS with ca.crt, server.crt, server.key and crl.pem',
    async (_w, _n, deployed) => {
      const config = mount(deployed as Process);
      // Not on loopback: only an operator's client certificate may open it.
      expect(['127.0.0.1', '::1', 'localhost']).not.toContain(config.console.host);
      expect([config.console.access, accessModeOf(config.console)]).toEqual(['mtls', 'mtls']);
      // start() reads its TLS files, then reaches for Kafka, which this test stops.
      const kafka = new Kafka({ clientId: 'deploy-test', brokers: ['127.0.0.1:9'] });
      jest.spyOn(kafka, 'admin').mockImplementation(() => {
        throw new Error('Kafka is not reached in this test');
      });
      const opsConsole = new OpsConsole({ ...deps, kafka, config });
      await expect(opsConsole.start()).rejects.toThrow('Kafka is not reached in this test');
      const folder = certFolderPaths(config.gateway.tls.certsDir as string);
      // The CRL too: without it a revoked operator's certificate would still be accepted.
      expect(fs.reads).toEqual(
        expect.arrayContaining([
          folder.caCertificate,
          folder.serverCertificate,
          folder.serverPrivateKey,
          folder.crl,
        ]),
      );
    },
  );

  it.each(named('console'))(
    '%s %s: "verify now" trusts the certificate of every key that signs audit heads, and no other',
    (_w, _n, deployed) => {
      const opsConsole = deployed as Process;
      const config = mount(opsConsole);
      const trusted = trustedWriterKeys(config).map((key) => String(obj(key).source));
      const trustedOrigins = new Set(trusted.map((file) => opsConsole.origins.get(file)));
      expect(trustedOrigins.has(undefined)).toBe(false);
      // Each signer's key file, by origin: its certificate is the same name ending in .crt.
      const signers = processes.filter((p) => p.where === opsConsole.where && p !== opsConsole);
      const expected = new Set<string>();
      for (const signer of signers) {
        const signing = loadConfig({ env: signer.env });
        const certsDir = signing.gateway.tls.certsDir;
        const key =
          signing.audit.signingKeyFile ??
          (certsDir === null ? null : certFolderPaths(certsDir).serverPrivateKey);
        // No key: unsigned heads, which no trusted certificate can vouch for.
        if (key === null || !signer.files.has(key)) continue;
        expected.add(String(signer.origins.get(key)).replace(/\.key$/, '.crt'));
      }
      expect([...expected].length).toBeGreaterThanOrEqual(3);
      // Its own server certificate is always trusted too (trustedWriterKeys adds certsDir's).
      const own = opsConsole.origins.get(
        certFolderPaths(config.gateway.tls.certsDir as string).serverCertificate,
      );
      expect([...trustedOrigins].sort()).toEqual([...new Set([...expected, own])].sort());
    },
  );

  it('gives every Kubernetes process the Kafka client certificate, key and cluster CA it names', () => {
    for (const deployed of processes.filter((p) => p.where === 'k8s')) {
      const { tls } = loadConfig({ env: deployed.env }).kafka;
      for (const file of [tls.caFile, tls.certFile, tls.keyFile]) {
        expect([deployed.name, file, deployed.files.has(String(file))]).toEqual([
          deployed.name,
          file,
          true,
        ]);
      }
    }
  });

  it("mounts the gateway startup probe's certificate where the probe reads it, in the `certs issue` layout", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const probe = require('../../../deploy/k8s/gateway/grpc-health-probe.js') as {
      PROBE_IDENTITY: string;
      DEFAULT_CERTS_DIR: string;
      probeFiles(dir: string): { ca: string; cert: string; key: string };
    };
    const folder = certFolderPaths(probe.DEFAULT_CERTS_DIR);
    const client = clientFilePaths(folder, clientFileName(probe.PROBE_IDENTITY));
    expect(probe.probeFiles(probe.DEFAULT_CERTS_DIR)).toEqual({
      ca: folder.caCertificate,
      cert: client.certificate,
      key: client.privateKey,
    });
    const gateway = processes.find(
      (p) => p.where === 'k8s' && componentOf(p.command) === 'gateway',
    );
    expect(gateway?.env.PROBE_CERTS_DIR).toBeUndefined();
    for (const file of Object.values(probe.probeFiles(probe.DEFAULT_CERTS_DIR))) {
      expect([file, gateway?.files.has(file)]).toEqual([file, true]);
    }
  });

  it('names every Secret key after the file `intelroute certs` writes, so `--from-file` needs no renaming', () => {
    const tree = readKustomization();
    const workloads = [...ofKind(tree, 'Deployment'), ...ofKind(tree, 'StatefulSet')];
    const items = workloads.flatMap((w) =>
      list(podSpec(w).volumes).flatMap((v) => list(obj(obj(v).secret).items).map(obj)),
    );
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(path.basename(String(item.path))).toBe(item.key);
  });
});
