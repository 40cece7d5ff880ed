import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'deploy', 'kafka-acls', 'acls.sh');

function plan(env: Record<string, string>): {
  code: number | null;
  lines: string[];
  stderr: string;
} {
  const result = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env } });
  return {
    code: result.status,
    lines: result.stdout
      .toString()
      .split('\n')
      .filter((line) => line.startsWith('kafka-acls.sh')),
    stderr: result.stderr.toString(),
  };
}

describe('deploy/kafka-acls/acls.sh (dry run)', () => {
  const { code, lines } = plan({ COUNTRIES: 'FR,DE', PREFIX: 'staging.' });
  const of = (principal: string): string[] =>
    lines.filter((line) => line.includes(`--allow-principal ${principal} `));

  it('lets a country reader read its own inbox, the broadcast topic and its own group only', () => {
    expect(code).toBe(0);
    const fr = of('User:reader-country-FR');
    const reads = fr.filter((line) => / --operation Read /.test(line) && / --topic /.test(line));
    expect(reads.map((line) => /--topic (\S+)/.exec(line)?.[1]).sort()).toEqual([
      'staging.intel.v1.audit.heads',
      'staging.intel.v1.broadcast',
      'staging.intel.v1.country.FR',
      'staging.intel.v1.readers.processed',
    ]);
    expect(fr.join('\n')).not.toMatch(/country\.DE|intel\.v1\.secretariat/);
    expect(fr).toContainEqual(
      expect.stringMatching(
        /--operation Read --group staging\.intelroute\.reader\.country\.FR --resource-pattern-type literal$/,
      ),
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /--transactional-id staging\.intelroute\.reader\.country\.FR\. --resource-pattern-type prefixed$/,
      ),
    );
  });

  it('gives the gateway write, idempotent write and its transactional ids', () => {
    const gateway = of('User:gateway').join('\n');
    expect(gateway).toMatch(
      /--operation Write --operation Describe --topic staging\.intel\.v1\. --resource-pattern-type prefixed/,
    );
    expect(gateway).toMatch(/--operation IdempotentWrite --cluster/);
    expect(gateway).toMatch(
      /--transactional-id intelroute-gateway --resource-pattern-type prefixed/,
    );
    expect(gateway).toMatch(
      /--group staging\.intelroute\.subscriber\. --resource-pattern-type prefixed/,
    );
  });

  it('refuses to run without countries or with a malformed one', () => {
    expect(plan({}).code).toBe(2);
    const bad = plan({ COUNTRIES: 'fr' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"fr" is not a country code/);
  });
});
