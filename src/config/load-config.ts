import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { IntelrouteError } from '../core/errors';
import type { IntelrouteConfig } from './config-types';
import { CONFIG_SCHEMA } from './config-schema';
import { ENV_OVERRIDES, parseEnvValue } from './env-overrides';
import { withShippedDefaults, type ValidatedConfig } from './shipped-defaults';

export interface LoadConfigOptions {
  /** The environment to read (process.env at the composition root). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A YAML or JSON file; defaults to env INTELROUTE_CONFIG; none means defaults + env only. */
  readonly file?: string;
  /**
   * What named `file`, said when it cannot be read (the CLI passes `--config`); when `file` is
   * not given, the file is INTELROUTE_CONFIG's and the message says so.
   */
  readonly fileNamedBy?: string;
}

let compiled: ValidateFunction | undefined;

/** Compiled on first use, once per process: commands that need no config pay nothing. */
function configValidator(): ValidateFunction {
  compiled ??= new Ajv({
    allErrors: true,
    useDefaults: true,
    strict: true,
    allowUnionTypes: true,
  }).compile(CONFIG_SCHEMA);
  return compiled;
}

/**
 * Reads the config file (if any), applies environment overrides, fills defaults, validates the
 * whole, resolves the defaults naming shipped files and returns it deep-frozen: the one place a
 * default is decided.
 * @throws IntelrouteError CONFIG_INVALID listing every problem, one per line.
 */
export function loadConfig(options: LoadConfigOptions): IntelrouteConfig {
  const file = options.file ?? nonEmpty(options.env.INTELROUTE_CONFIG);
  const namedBy =
    options.file === undefined ? 'INTELROUTE_CONFIG' : (options.fileNamedBy ?? 'the caller');
  const raw: Record<string, unknown> = file === undefined ? {} : readConfigFile(file, namedBy);
  const problems: string[] = [];
  const sources = new Map<string, string>();

  for (const override of ENV_OVERRIDES) {
    const text = nonEmpty(options.env[override.variable]);
    if (text === undefined) continue;
    const parsed = parseEnvValue(override, text);
    if (!parsed.ok) {
      problems.push(`${override.variable}: ${parsed.problem}`);
      continue;
    }
    setPath(raw, override.path, parsed.value);
    sources.set(`/${override.path.join('/')}`, override.variable);
  }

  const validateConfig = configValidator();
  if (!validateConfig(raw)) {
    problems.push(...describeErrors(validateConfig.errors ?? [], sources, file));
  } else {
    problems.push(...crossFieldProblems(raw as unknown as ValidatedConfig));
  }
  if (problems.length > 0) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      `invalid configuration:\n  - ${problems.join('\n  - ')}`,
      { details: { problems } },
    );
  }
  return deepFreeze(withShippedDefaults(raw as unknown as ValidatedConfig));
}

/** Room a message record needs besides its payload (envelope fields, receipt, headers). */
const RECORD_ROOM_BYTES = 65_536;

/** Rules between settings that the schema cannot state. */
function crossFieldProblems(config: ValidatedConfig): string[] {
  const { maxPayloadBytes } = config.gateway;
  const { maxMessageBytes } = config.topics;
  if (maxPayloadBytes + RECORD_ROOM_BYTES <= maxMessageBytes) return [];
  return [
    `/gateway/maxPayloadBytes (${maxPayloadBytes}) must be at least ${RECORD_ROOM_BYTES} bytes below ` +
      `/topics/maxMessageBytes (${maxMessageBytes}): a message of the largest payload must fit in a Kafka record`,
  ];
}

function readConfigFile(file: string, namedBy: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new IntelrouteError('CONFIG_INVALID', unreadableFileMessage(file, namedBy, cause), {
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text); // YAML is a superset of JSON: one parser serves both.
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IntelrouteError('CONFIG_INVALID', `config file ${file} is not YAML/JSON: ${reason}`, {
      cause,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new IntelrouteError('CONFIG_INVALID', `config file ${file} must hold an object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Which file (absolute too when given relative: commands may run from another folder), what
 * named it, and why it cannot be read, by the system's error code.
 */
function unreadableFileMessage(file: string, namedBy: string, cause: unknown): string {
  const absolute = path.resolve(file);
  const where = absolute === file ? file : `${file} (${absolute})`;
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EISDIR'
        ? 'is a folder, not a file'
        : code === 'EACCES'
          ? 'cannot be read: permission denied'
          : `cannot be read (${code ?? String(cause)})`;
  return `config file ${where}, named by ${namedBy}, ${why}`;
}

function describeErrors(
  errors: readonly ErrorObject[],
  sources: ReadonlyMap<string, string>,
  file: string | undefined,
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const error of errors) {
    const where = error.instancePath === '' ? '/' : error.instancePath;
    const origin = sourceOf(where, sources) ?? (file === undefined ? 'defaults' : file);
    const extra =
      error.keyword === 'additionalProperties'
        ? ` "${String(error.params.additionalProperty)}"`
        : error.keyword === 'enum'
          ? ` (${(error.params.allowedValues as unknown[]).join(', ')})`
          : '';
    const line = `${where} (from ${origin}): ${error.message ?? error.keyword}${extra}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}

function sourceOf(pointer: string, sources: ReadonlyMap<string, string>): string | undefined {
  for (const [path, variable] of sources) {
    if (pointer === path || pointer.startsWith(`${path}/`)) return variable;
  }
  return undefined;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
