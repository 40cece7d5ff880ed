import { ENV_OVERRIDES } from '../config';

/**
 * The "Environment:" section of the help of a command that loads the configuration:
 * INTELROUTE_CONFIG, then every variable src/config reads (ENV_OVERRIDES, so the list cannot
 * drift from what is read) with the config key it overrides.
 */
export function environmentHelp(): string {
  const rows: Array<readonly [string, string]> = [
    ['INTELROUTE_CONFIG', 'the config file, when --config is not given'],
    ...ENV_OVERRIDES.map(({ variable, path }) => [variable, path.join('.')] as const),
  ];
  const width = Math.max(...rows.map(([variable]) => variable.length));
  return [
    '',
    'Environment (each variable overrides its config key; README "Configuration"):',
    ...rows.map(([variable, what]) => `  ${variable.padEnd(width)}  ${what}`),
  ].join('\n');
}
