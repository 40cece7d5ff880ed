import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../../src/config';

/** Paths and parsers for the files under deploy/, shared by the deploy tests. */
export const DEPLOY = path.join(PROJECT_ROOT, 'deploy');

export type Doc = Record<string, unknown>;

/** One YAML document (merge keys `<<:` resolved, as Compose does). @throws on a YAML error. */
export function readYaml(file: string): Doc {
  const value: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  if (typeof value !== 'object' || value === null) throw new Error(`${file}: not a mapping`);
  return value as Doc;
}

/** Every document of a multi-document YAML file. @throws on the first YAML error. */
export function readYamlDocs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Doc;
  });
}

/** True when `ref` (an image reference) names a fixed version: a tag other than latest, or a digest. */
export function isPinned(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const tag = /:([^/:@]+)$/.exec(ref)?.[1];
  return tag !== undefined && tag !== 'latest' && /\d/.test(tag);
}

/** True when a Compose `user:` value runs as someone other than root. */
export function isNonRootUser(user: unknown): boolean {
  if (typeof user !== 'string' && typeof user !== 'number') return false;
  const name = String(user).split(':')[0];
  return name !== '' && name !== 'root' && name !== '0';
}

/** A mapping's property as a mapping (empty when absent). */
export function obj(value: unknown): Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {};
}

/** The networks a Compose service joins, in either form (`[a, b]` or `{ a: {...}, b: {} }`). */
export function networksOf(service: Doc): string[] {
  const networks = service.networks;
  return Array.isArray(networks) ? networks.map(String) : Object.keys(obj(networks));
}

/** A property as a list (empty when absent). */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

export function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}
