import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEPLOY, list, obj, type Doc } from './deploy-files';
import { nameOf, ofKind, readKustomization } from './kustomize-tree';

const SCRIPT = path.join(DEPLOY, 'kafka-acls', 'acls.sh');

/** One grant as `<type> <literal|prefix> <name> <operation>`, the cluster named `kafka-cluster`. */
type Grant = string;

/** The grants acls.sh prints (dry run) for `principal`. */
function scriptGrants(principal: string, env: Record<string, string>): Grant[] {
  const run = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env } });
  expect(run.status).toBe(0);
  const lines = run.stdout
    .toString()
    .split('\n')
    .filter((line) => line.includes(`--allow-principal ${principal} `));
  return lines.flatMap((line) => {
    // printf %q escapes the wildcard: `\*`.
    const words = line.split(' ').map((word) => word.replace(/\\(.)/g, '$1'));
    const after = (flag: string) => words[words.indexOf(flag) + 1] as string;
    const operations = words.flatMap((word, i) => (words[i - 1] === '--operation' ? [word] : []));
    const pattern = after('--resource-pattern-type') === 'prefixed' ? 'prefix' : 'literal';
    const [type, name] = words.includes('--cluster')
      ? ['cluster', 'kafka-cluster']
      : words.includes('--topic')
        ? ['topic', after('--topic')]
        : words.includes('--group')
          ? ['group', after('--group')]
          : ['transactionalId', after('--transactional-id')];
    return operations.map((op) => `${type} ${pattern} ${name} ${op}`);
  });
}

/** The grants of a Strimzi KafkaUser, in the same form. */
function userGrants(user: Doc): Grant[] {
  return list(obj(obj(user.spec).authorization).acls).flatMap((entry) => {
    const resource = obj(obj(entry).resource);
    const name = resource.type === 'cluster' ? 'kafka-cluster' : String(resource.name);
    const pattern = resource.patternType === 'prefix' ? 'prefix' : 'literal';
    return list(obj(entry).operations).map(
      (op) => `${String(resource.type)} ${pattern} ${name} ${String(op)}`,
    );
  });
}

describe('deploy/kafka-acls/acls.sh: the ops console', () => {
  it('grants User:console what the KafkaUser intelroute-console has, and nothing that writes', () => {
    const script = scriptGrants('User:console', { COUNTRIES: 'FR' });
    const user = ofKind(readKustomization(), 'KafkaUser').find(
      (u) => nameOf(u) === 'intelroute-console',
    ) as Doc;
    expect(script.sort()).toEqual(userGrants(user).sort());
    expect(script.filter((grant) => /Write$|^transactionalId /.test(grant))).toEqual([]);
  });

  it('prefixes its topics with PREFIX but not the throwaway groups the code names', () => {
    const grants = scriptGrants('User:console', { COUNTRIES: 'FR', PREFIX: 'staging.' });
    const names = (type: string) =>
      [...new Set(grants.filter((g) => g.startsWith(`${type} `)).map((g) => g.split(' ')[2]))]
        .map(String)
        .sort();
    expect(names('topic')).toEqual([
      'staging.intel.v1.',
      'staging.intel.v1.audit',
      'staging.intel.v1.audit.heads',
    ]);
    expect(names('group')).toEqual(['*', 'intelroute-console-', 'intelroute-topic-reader-']);
  });
});
