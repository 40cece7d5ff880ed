// The gateway's startup probe: asks the standard grpc.health.v1 service, over mTLS with the
// health-probe client certificate, whether intelroute.v1.IntelGateway is SERVING. Exit 0 when it
// is, 1 otherwise. Kubernetes' built-in gRPC probe cannot present a client certificate.
//
// It reads a certificate folder as `intelroute certs init|issue --dir D` lays it out (the same
// layout the system services read): D/ca.crt and D/clients/ops.health-probe.crt|.key, the files
// of `intelroute certs issue --dir D --id urn:intelroute:ops:health-probe`. The deployment
// mounts the probe's Secret in that layout; test/unit/deploy checks the names against the code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The identity whose certificate the probe presents (it may publish nothing). */
const PROBE_IDENTITY = 'urn:intelroute:ops:health-probe';
/** Where the deployment mounts the probe's certificate folder. */
const DEFAULT_CERTS_DIR = '/etc/intelroute/probe-tls';

/** The files the probe reads in certificate folder `dir`. */
function probeFiles(dir) {
  const name = PROBE_IDENTITY.replace(/^urn:intelroute:/, '').replaceAll(':', '.');
  return {
    ca: path.join(dir, 'ca.crt'),
    cert: path.join(dir, 'clients', `${name}.crt`),
    key: path.join(dir, 'clients', `${name}.key`),
  };
}

function main() {
  const modules = process.env.INTELROUTE_HOME ?? '/app';
  const grpc = require(path.join(modules, 'node_modules/@grpc/grpc-js'));
  const protoLoader = require(path.join(modules, 'node_modules/@grpc/proto-loader'));
  const { protoPath } = require(path.join(modules, 'node_modules/grpc-health-check'));

  const port = process.env.INTELROUTE_GATEWAY_PORT ?? '50051';
  const files = probeFiles(process.env.PROBE_CERTS_DIR ?? DEFAULT_CERTS_DIR);
  const serverName = process.env.PROBE_SERVER_NAME ?? 'gateway.intelroute.svc';

  const definition = protoLoader.loadSync(protoPath, {
    keepCase: true,
    enums: String,
    defaults: true,
  });
  const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
  const credentials = grpc.credentials.createSsl(
    fs.readFileSync(files.ca),
    fs.readFileSync(files.key),
    fs.readFileSync(files.cert),
  );
  const client = new Health(`127.0.0.1:${port}`, credentials, {
    'grpc.ssl_target_name_override': serverName,
  });
  client.check(
    { service: 'intelroute.v1.IntelGateway' },
    { deadline: Date.now() + 3000 },
    (error, response) => {
      client.close();
      if (error) process.stderr.write(`grpc health: ${error.message}\n`);
      process.exitCode = !error && response.status === 'SERVING' ? 0 : 1;
    },
  );
}

module.exports = { PROBE_IDENTITY, DEFAULT_CERTS_DIR, probeFiles };

if (require.main === module) main();
