// The gateway's startup probe: asks the standard grpc.health.v1 service, over mTLS with the
// health-probe client certificate, whether intelroute.v1.IntelGateway is SERVING. Exit 0 when it
// is, 1 otherwise. Kubernetes' built-in gRPC probe cannot present a client certificate.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const modules = process.env.INTELROUTE_HOME ?? '/app';
const grpc = require(path.join(modules, 'node_modules/@grpc/grpc-js'));
const protoLoader = require(path.join(modules, 'node_modules/@grpc/proto-loader'));
const { protoPath } = require(path.join(modules, 'node_modules/grpc-health-check'));

const port = process.env.INTELROUTE_GATEWAY_PORT ?? '50051';
const certs = process.env.PROBE_CERTS_DIR ?? '/etc/intelroute/probe-tls';
const serverName = process.env.PROBE_SERVER_NAME ?? 'gateway.intelroute.svc';
const read = (name) => fs.readFileSync(path.join(certs, name));

const definition = protoLoader.loadSync(protoPath, {
  keepCase: true,
  enums: String,
  defaults: true,
});
const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
const credentials = grpc.credentials.createSsl(read('ca.crt'), read('tls.key'), read('tls.crt'));
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
