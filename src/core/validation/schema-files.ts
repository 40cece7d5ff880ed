import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { IntelrouteError } from '../errors';

/** One schema file's text, before parsing. */
export interface SchemaSource {
  /** Where it was read from (for error messages). */
  readonly file: string;
  /** The message type: the file's folder name. */
  readonly type: string;
  /** N from the file name vN.json. */
  readonly version: number;
  readonly text: string;
}

/** Folder names that can be message types. */
export const MESSAGE_TYPE_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const VERSION_FILE = /^v([1-9][0-9]{0,5})\.json$/;

/**
 * Reads every `<schemasDir>/<type>/v<N>.json` (the validator's only I/O, done once at
 * start-up). Other files and folders (README.md, …) are ignored.
 * @throws IntelrouteError SCHEMA_INVALID when the folder or a file cannot be read.
 */
export function readSchemaSources(schemasDir: string): SchemaSource[] {
  const sources: SchemaSource[] = [];
  for (const typeDir of listDir(schemasDir)) {
    if (!typeDir.isDirectory() || !MESSAGE_TYPE_NAME.test(typeDir.name)) continue;
    const dir = path.join(schemasDir, typeDir.name);
    for (const entry of listDir(dir)) {
      const match = VERSION_FILE.exec(entry.name);
      if (!entry.isFile() || match === null) continue;
      const file = path.join(dir, entry.name);
      sources.push({ file, type: typeDir.name, version: Number(match[1]), text: readText(file) });
    }
  }
  return sources;
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (cause) {
    throw new IntelrouteError('SCHEMA_INVALID', `cannot read schema folder ${dir}`, { cause });
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new IntelrouteError('SCHEMA_INVALID', `cannot read schema file ${file}`, { cause });
  }
}
