export type * from './config-types';
export { loadConfig, type LoadConfigOptions } from './load-config';
export { ENV_OVERRIDES } from './env-overrides';
