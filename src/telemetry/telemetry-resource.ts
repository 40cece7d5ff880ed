import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import {
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { PROJECT_ROOT } from '../config/project-root';
import { safely } from './never-throw';

export interface ResourceInput {
  readonly serviceName: string;
  readonly instanceId: string;
}

/**
 * The process's resource: the SDK defaults, then ours (service name, namespace `intelroute`,
 * version, instance id), then what OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME say (the
 * environment wins, as the specification wants) and the host name. The process detector is left
 * out on purpose: it would record the command line.
 */
export function telemetryResource(input: ResourceInput): Resource {
  const ours = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: input.serviceName,
    [ATTR_SERVICE_NAMESPACE]: 'intelroute',
    [ATTR_SERVICE_VERSION]: packageVersion(),
    [ATTR_SERVICE_INSTANCE_ID]: input.instanceId,
  });
  const detected = safely(
    'reading OTEL_RESOURCE_ATTRIBUTES',
    () => detectResources({ detectors: [hostDetector, envDetector] }),
    () => resourceFromAttributes({}),
  );
  return defaultResource().merge(ours).merge(detected);
}

function packageVersion(): string {
  return safely(
    'reading the package version',
    () => {
      const text = readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8');
      const { version } = JSON.parse(text) as { version?: unknown };
      return typeof version === 'string' ? version : 'unknown';
    },
    () => 'unknown',
  );
}
