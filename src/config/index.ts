export type * from './config-types';
export { loadConfig, type LoadConfigOptions } from './load-config';
export { ENV_OVERRIDES, variableOf } from './env-overrides';
export { loadShippedMemberCountries, type MemberCountry } from './member-countries';
export { PROJECT_ROOT } from './project-root';
