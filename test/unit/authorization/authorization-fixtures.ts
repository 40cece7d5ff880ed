/** Shipped policy and example grants, loaded once for the authorisation tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadGrants,
  loadPublishPolicy,
  type GrantTable,
  type PublishPolicy,
} from '../../../src/core/authorization';

const CONFIG = path.resolve(__dirname, '..', '..', '..', 'config');

export const POLICY: PublishPolicy = loadPublishPolicy(
  readFileSync(path.join(CONFIG, 'policy.yaml'), 'utf8'),
);

export const EXAMPLE_GRANTS: GrantTable = loadGrants(
  readFileSync(path.join(CONFIG, 'grants.example.yaml'), 'utf8'),
);

/** Epoch milliseconds of an ISO instant (tests pass the clock in; the core never reads one). */
export const at = (iso: string): number => Date.parse(iso);

export const NOW = at('2026-06-01T12:00:00Z');

/** A grant table from YAML text. */
export const grants = (yaml: string): GrantTable => loadGrants(yaml);
