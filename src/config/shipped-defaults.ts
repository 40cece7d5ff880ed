import path from 'node:path';
import type { GatewayConfig, IntelrouteConfig, TopicsConfig } from './config-types';
import { loadShippedMemberCountries } from './member-countries';
import { PROJECT_ROOT } from './project-root';

type OrNull<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]: T[P] | null };

/** A config as the schema validated it: the settings that default to shipped files still null. */
export type ValidatedConfig = Omit<IntelrouteConfig, 'gateway' | 'topics'> & {
  readonly gateway: OrNull<GatewayConfig, 'rulesFile' | 'policyFile' | 'schemasDir'>;
  readonly topics: OrNull<TopicsConfig, 'memberCountries'>;
};

/**
 * Fills the defaults that name what the project ships (routing rules, publish policy, payload
 * schemas, the member countries), once, when the config is loaded: no use site resolves them.
 */
export function withShippedDefaults(config: ValidatedConfig): IntelrouteConfig {
  const { gateway, topics } = config;
  return {
    ...config,
    gateway: {
      ...gateway,
      rulesFile: gateway.rulesFile ?? path.join(PROJECT_ROOT, 'config', 'routing.yaml'),
      policyFile: gateway.policyFile ?? path.join(PROJECT_ROOT, 'config', 'policy.yaml'),
      schemasDir: gateway.schemasDir ?? path.join(PROJECT_ROOT, 'schemas'),
    },
    topics: {
      ...topics,
      memberCountries: topics.memberCountries ?? loadShippedMemberCountries().map((m) => m.code),
    },
  };
}
