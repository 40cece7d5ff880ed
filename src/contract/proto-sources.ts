import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as protobuf from 'protobufjs';
import { errorText, IntelrouteError } from '../core/errors';

/** A .proto file to read: its name as importers spell it, and where it is on disk. */
export interface ProtoSource {
  readonly name: string;
  readonly path: string;
}

/** One file as written: what it declares and what it imports, in its own order. */
export interface ParsedProtoFile {
  readonly name: string;
  /** '' when the file declares no package. */
  readonly package: string;
  readonly imports: readonly string[];
  /** This file's objects alone, unresolved: which types, enums and services it declares. */
  readonly declared: protobuf.Root;
}

export interface LoadedProtos {
  /** Every file read from disk, in the order read (entries first). */
  readonly files: readonly ParsedProtoFile[];
  /** Imports of Google's well-known types (`google/protobuf/*.proto`), never read from disk. */
  readonly wellKnown: readonly string[];
  /** Every file's objects in one root, resolved: where a type named by another file is found. */
  readonly resolved: protobuf.Root;
}

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true };

/**
 * Reads `entries` and, transitively, every file they import (found under `includeDirs`, first
 * match wins). Throws IntelrouteError INTERNAL naming the file when one is missing, does not
 * parse, is not proto3, or names a type nobody declares: the installation is broken.
 */
export function loadProtos(
  entries: readonly ProtoSource[],
  includeDirs: readonly string[],
): LoadedProtos {
  const resolved = new protobuf.Root();
  const files: ParsedProtoFile[] = [];
  const wellKnown: string[] = [];
  const seen = new Set<string>();
  const queue: Array<ProtoSource | string> = [...entries];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const name = typeof next === 'string' ? next : next.name;
    if (seen.has(name)) continue;
    seen.add(name);
    // protobufjs ships the well-known types (as protoc does): they need no file on disk.
    const bundled = protobuf.common.get(name);
    if (bundled !== null) {
      resolved.addJSON(bundled.nested ?? {});
      wellKnown.push(name);
      continue;
    }
    const file = parseFile(
      name,
      typeof next === 'string' ? findImport(name, includeDirs) : next.path,
      resolved,
    );
    files.push(file);
    queue.push(...file.imports);
  }
  try {
    resolved.resolveAll();
  } catch (error) {
    throw new IntelrouteError('INTERNAL', `the .proto files do not resolve: ${errorText(error)}`, {
      cause: error,
    });
  }
  return { files, wellKnown, resolved };
}

function findImport(name: string, includeDirs: readonly string[]): string {
  for (const dir of includeDirs) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new IntelrouteError(
    'INTERNAL',
    `${name} is imported but not found in ${includeDirs.join(', ')}`,
  );
}

/** Parses `file` twice: alone (to know what it declares) and into `resolved` (to resolve). */
function parseFile(name: string, file: string, resolved: protobuf.Root): ParsedProtoFile {
  try {
    const source = readFileSync(file, 'utf8');
    // What the converter does not carry (see file-descriptor-of.ts) is refused, never dropped.
    if (!/^\s*syntax\s*=\s*["']proto3["']\s*;/m.test(source)) throw new Error('not a proto3 file');
    if (/^\s*import\s+(public|weak)\b/m.test(source)) throw new Error('public or weak import');
    const alone = protobuf.parse(source, new protobuf.Root(), PARSE_OPTIONS);
    protobuf.parse(source, resolved, PARSE_OPTIONS);
    return {
      name,
      package: alone.package ?? '',
      imports: alone.imports ?? [],
      declared: alone.root,
    };
  } catch (error) {
    throw new IntelrouteError('INTERNAL', `cannot read ${name} (${file}): ${errorText(error)}`, {
      cause: error,
    });
  }
}
