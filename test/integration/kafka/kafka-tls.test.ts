import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  certFolderPaths,
  initCertFolder,
  issueClientCertificateFiles,
} from '../../../src/identity/certs';
import { loadConfig, type KafkaTlsConfig } from '../../../src/config';
import { isIntelrouteError } from '../../../src/core/errors';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { silentLogger } from '../../../src/telemetry/logger';

/**
 * TLS to the brokers, checked on the wire: a TLS server that demands a client certificate from
 * the test CA stands in for a broker's SSL listener. What matters here is the handshake kafkajs
 * makes with intelroute's settings (the broker's certificate checked against the CA, the client
 * certificate presented); the Kafka protocol after it is the broker's business.
 */
describe('Kafka TLS settings', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-kafka-tls-'));
  const paths = certFolderPaths(dir);
  let client: { certFile: string; keyFile: string };
  let server: tls.Server;
  let port: number;
  const handshakes: Array<{ authorized: boolean; subjectAltName: string | undefined }> = [];
  const refusals: string[] = [];

  beforeAll(async () => {
    await initCertFolder({ dir });
    const issued = await issueClientCertificateFiles({
      dir,
      urn: 'urn:intelroute:system:kafka-client',
    });
    client = { certFile: issued.certificatePath, keyFile: issued.privateKeyPath };
    server = tls.createServer({
      key: readFileSync(paths.serverPrivateKey),
      cert: readFileSync(paths.serverCertificate),
      ca: readFileSync(paths.caCertificate),
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('secureConnection', (socket) => {
      handshakes.push({
        authorized: socket.authorized,
        subjectAltName: socket.getPeerCertificate().subjectaltname,
      });
      socket.destroy();
    });
    server.on('tlsClientError', (error) => refusals.push(error.message));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  /** Connects an admin client with `settings`; resolves with kafkajs's error once it gave up. */
  async function connectWith(settings: KafkaTlsConfig | undefined): Promise<string> {
    const kafka = createKafkaClient({
      brokers: [`localhost:${port}`],
      clientId: 'tls-test',
      logger: silentLogger(),
      connectionTimeoutMs: 2000,
      retries: 0,
      ...(settings === undefined ? {} : { tls: settings }),
    });
    const admin = kafka.admin();
    const failure = await admin.connect().then(
      () => 'connected',
      (error: Error) => `${error.message} ${String((error.cause as Error | undefined)?.message)}`,
    );
    await admin.disconnect().catch(() => undefined);
    return failure;
  }

  it('KAFKA_SSL_* variables set kafka.tls', () => {
    const config = loadConfig({
      env: {
        KAFKA_SSL_CA_FILE: paths.caCertificate,
        KAFKA_SSL_CERT_FILE: client.certFile,
        KAFKA_SSL_KEY_FILE: client.keyFile,
      },
    });
    expect(config.kafka.tls).toEqual({
      caFile: paths.caCertificate,
      certFile: client.certFile,
      keyFile: client.keyFile,
    });
    expect(loadConfig({ env: {} }).kafka.tls).toEqual({
      caFile: null,
      certFile: null,
      keyFile: null,
    });
  });

  it('completes a mutual TLS handshake: the broker is checked against the CA and sees our certificate', async () => {
    handshakes.length = 0;
    await connectWith({ caFile: paths.caCertificate, ...client });
    expect(handshakes[0]).toEqual({
      authorized: true,
      subjectAltName: 'URI:urn:intelroute:system:kafka-client',
    });
  });

  it('presents no certificate without one (a listener that demands it refuses the handshake)', async () => {
    handshakes.length = 0;
    refusals.length = 0;
    await connectWith({ caFile: paths.caCertificate, certFile: null, keyFile: null });
    expect(handshakes).toEqual([]);
    // A TLS handshake that failed for want of a client certificate (not plaintext, not a CA).
    expect(refusals).toEqual([expect.stringMatching(/peer did not return a certificate/)]);
  });

  it('refuses a broker whose certificate another CA signed', async () => {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-kafka-tls-other-'));
    await initCertFolder({ dir: otherDir });
    handshakes.length = 0;
    refusals.length = 0;
    const failure = await connectWith({
      caFile: certFolderPaths(otherDir).caCertificate,
      ...client,
    });
    expect(handshakes).toEqual([]);
    // The client itself refused the server's chain (a plaintext client would fail otherwise).
    expect(failure).toMatch(/self-signed certificate in certificate chain/);
  });

  it('stops at start-up on a certificate without its key, or an unreadable file, naming it', () => {
    const attempt = (settings: KafkaTlsConfig): unknown => {
      try {
        createKafkaClient({
          brokers: ['localhost:1'],
          clientId: 't',
          logger: silentLogger(),
          tls: settings,
        });
        return 'created';
      } catch (error) {
        return error;
      }
    };
    const halfPair = attempt({ caFile: null, certFile: client.certFile, keyFile: null });
    expect(isIntelrouteError(halfPair, 'CONFIG_INVALID')).toBe(true);
    expect((halfPair as Error).message).toMatch(/KAFKA_SSL_KEY_FILE/);
    const missing = attempt({ caFile: path.join(dir, 'nope.crt'), certFile: null, keyFile: null });
    expect(isIntelrouteError(missing, 'CONFIG_INVALID')).toBe(true);
    expect((missing as Error).message).toMatch(/nope\.crt \(KAFKA_SSL_CA_FILE\)/);
    expect(attempt({ caFile: null, certFile: null, keyFile: null })).toBe('created');
  });
});
