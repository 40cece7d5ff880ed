import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadSchemaRegistry, type CompiledSchema, type SchemaRegistry } from '../core/validation';
import { IntelrouteError } from '../core/errors';
import type { Logger } from '../telemetry/logger';

export interface WatchedSchemasOptions {
  /** The folder of `<type>/v<N>.json` files. */
  readonly schemasDir: string;
  readonly retiredVersions: Readonly<Record<string, readonly number[]>>;
  readonly logger: Logger;
  /** After a reload took effect: the versions it added, as `type/vN`. */
  readonly onChange?: (added: readonly string[]) => void;
  /** A reload was refused (the schemas in force stay). */
  readonly onRejected?: (error: unknown) => void;
  readonly pollIntervalMs?: number;
}

/**
 * The payload schemas in force, taking new versions without a restart (as routing rules and
 * grants do): the folder is polled (names, sizes and times of the schema files) and `reload()`
 * runs on SIGHUP. A new set is built whole and checked as at start-up (house rules, examples,
 * no undeclared break of readers of the previous version); a reload never withdraws a version in
 * force (retiring one is configuration: `retiredSchemaVersions`, read at start). Anything wrong
 * and the set in force stays.
 */
export class WatchedSchemas implements SchemaRegistry {
  private registry: SchemaRegistry;
  private seen: string;
  private timer: NodeJS.Timeout | undefined;

  /** @throws IntelrouteError SCHEMA_INVALID: at start-up bad schemas stop the process. */
  constructor(private readonly options: WatchedSchemasOptions) {
    this.seen = folderStamp(options.schemasDir);
    this.registry = this.load();
  }

  types(): readonly string[] {
    return this.registry.types();
  }

  versions(type: string): readonly number[] {
    return this.registry.versions(type);
  }

  validatorFor(type: string, version: number): CompiledSchema | undefined {
    return this.registry.validatorFor(type, version);
  }

  watch(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      const stamp = folderStamp(this.options.schemasDir);
      if (stamp !== this.seen) this.reload();
    }, this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Reads the folder again now; true when a new set took effect. */
  reload(): boolean {
    this.seen = folderStamp(this.options.schemasDir);
    let next: SchemaRegistry;
    try {
      next = this.load();
      const withdrawn = versionsOf(this.registry).filter((v) => !versionsOf(next).includes(v));
      if (withdrawn.length > 0) {
        throw new IntelrouteError(
          'SCHEMA_INVALID',
          `a reload cannot withdraw versions in force (${withdrawn.join(', ')}): retire them in the configuration`,
        );
      }
    } catch (error) {
      const err = error instanceof Error ? error.message : String(error);
      this.options.logger.error({ dir: this.options.schemasDir, err }, 'schema reload rejected');
      this.options.onRejected?.(error);
      return false;
    }
    const added = versionsOf(next).filter((v) => !versionsOf(this.registry).includes(v));
    this.registry = next;
    this.options.logger.info({ dir: this.options.schemasDir, added }, 'schemas reloaded');
    if (added.length > 0) this.options.onChange?.(added);
    return true;
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private load(): SchemaRegistry {
    const { schemasDir, retiredVersions } = this.options;
    return loadSchemaRegistry({ schemasDir, retiredVersions });
  }
}

/** `type/vN` of every accepted version. */
function versionsOf(registry: SchemaRegistry): string[] {
  return registry.types().flatMap((type) => registry.versions(type).map((v) => `${type}/v${v}`));
}

/** Names, sizes and modification times of the schema files: what a poll compares. */
function folderStamp(dir: string): string {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        const stat = statSync(path.join(dir, name), { throwIfNoEntry: false });
        return `${name}:${stat?.size ?? -1}:${stat?.mtimeMs ?? -1}`;
      })
      .join('\n');
  } catch {
    return ''; // an unreadable folder: the reload says why
  }
}
