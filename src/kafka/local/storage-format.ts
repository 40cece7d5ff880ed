import { spawn } from 'node:child_process';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';

/** Formats one node's KRaft metadata log (kafka-storage format), as a new cluster's member. */
export function formatStorage(
  javaExecutable: string,
  libsDir: string,
  clusterId: string,
  propertiesFile: string,
  loggingFlag: string,
): Promise<void> {
  const args = [
    loggingFlag,
    '-cp',
    path.join(libsDir, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    propertiesFile,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(javaExecutable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = `${output}${chunk.toString('utf8')}`.slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (cause) =>
      reject(new IntelrouteError('KAFKA_START_FAILED', `cannot run ${javaExecutable}`, { cause })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new IntelrouteError(
              'KAFKA_START_FAILED',
              `kafka-storage format failed for ${propertiesFile} (exit ${code}):\n${output}`,
            ),
          ),
    );
  });
}
