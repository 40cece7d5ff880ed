import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, loadShippedMemberCountries } from '../../../src/config';
import { IntelrouteError } from '../../../src/core/errors';

function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'intelroute-config-')), 'c.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IntelrouteError);
    expect((error as IntelrouteError).code).toBe('CONFIG_INVALID');
    return (error as IntelrouteError).details.problems as string[];
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('fills every default when nothing is given', () => {
    const config = loadConfig({ env: {} });
    expect(config.kafka.brokers).toBeNull();
    expect(config.localKafka).toMatchObject({ version: '3.9.1', nodes: 1 });
    expect(config.topics).toMatchObject({
      prefix: '',
      partitions: 3,
      replicationFactor: null,
      auditRetentionMs: -1,
    });
    expect(Object.isFrozen(config.topics)).toBe(true);
  });

  it('resolves the defaults naming shipped files once, at load: no use site decides them', () => {
    const config = loadConfig({ env: {} });
    const root = path.resolve(__dirname, '../../..');
    expect(config.gateway).toMatchObject({
      rulesFile: path.join(root, 'config', 'routing.yaml'),
      policyFile: path.join(root, 'config', 'policy.yaml'),
      schemasDir: path.join(root, 'schemas'),
    });
    expect(config.topics.memberCountries).toHaveLength(loadShippedMemberCountries().length);
    expect(config.topics.memberCountries).toEqual(expect.arrayContaining(['DE', 'FR', 'IT']));
    expect(Object.isFrozen(config.topics.memberCountries)).toBe(true);
    const given = loadConfig({ env: { INTELROUTE_RULES_FILE: '/etc/rules.yaml' } });
    expect(given.gateway.rulesFile).toBe('/etc/rules.yaml');
  });

  it('lets environment variables override the file', () => {
    const file = configFile('kafka:\n  brokers: ["a:1"]\ntopics:\n  partitions: 6\n');
    const config = loadConfig({
      env: {
        INTELROUTE_CONFIG: file,
        KAFKA_BROKERS: 'b:2, c:3',
        INTELROUTE_MEMBER_COUNTRIES: 'FR,DE',
      },
    });
    expect(config.kafka.brokers).toEqual(['b:2', 'c:3']);
    expect(config.topics.partitions).toBe(6);
    expect(config.topics.memberCountries).toEqual(['FR', 'DE']);
  });

  it('lists every problem at once, naming where each value came from', () => {
    const file = configFile('topics:\n  partitions: 0\n  colour: blue\n');
    const problems = problemsOf(() =>
      loadConfig({
        file,
        env: {
          KAFKA_BROKERS: 'no-port',
          INTELROUTE_KAFKA_NODES: 'three',
          INTELROUTE_LOG_LEVEL: 'loud',
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'INTELROUTE_KAFKA_NODES: must be an integer, got "three"',
        expect.stringMatching(/^\/kafka\/brokers\/0 \(from KAFKA_BROKERS\): must match pattern/),
        expect.stringMatching(/^\/logLevel \(from INTELROUTE_LOG_LEVEL\): must be equal to one of/),
        expect.stringMatching(new RegExp(`^/topics/partitions \\(from ${file}\\): must be >= 1`)),
        expect.stringMatching(
          /^\/topics \(from .*\): must NOT have additional properties "colour"/,
        ),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses a payload limit a Kafka record of the topics could not hold', () => {
    const file = configFile('gateway:\n  maxPayloadBytes: 2097152\n');
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      expect.stringMatching(
        /^\/gateway\/maxPayloadBytes \(2097152\) must be at least 65536 bytes below \/topics\/maxMessageBytes \(2097152\)/,
      ),
    ]);
    const roomy = configFile(
      'gateway:\n  maxPayloadBytes: 2097152\ntopics:\n  maxMessageBytes: 4194304\n',
    );
    expect(loadConfig({ file: roomy, env: {} }).gateway.maxPayloadBytes).toBe(2097152);
  });

  it('refuses a file that is not a mapping', () => {
    expect(() => loadConfig({ env: {}, file: configFile('- a\n- b\n') })).toThrow(
      /must hold an object/,
    );
  });

  it('says which config file is missing, what named it, and that it does not exist', () => {
    const message = (load: () => unknown): string => {
      try {
        load();
      } catch (error) {
        expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
        return (error as Error).message;
      }
      throw new Error('loaded');
    };
    expect(
      message(() =>
        loadConfig({ env: {}, file: '/nonexistent/intelroute.yaml', fileNamedBy: '--config' }),
      ),
    ).toBe('config file /nonexistent/intelroute.yaml, named by --config, does not exist');
    expect(
      message(() => loadConfig({ env: { INTELROUTE_CONFIG: ' /nonexistent/env.yaml ' } })),
    ).toBe('config file /nonexistent/env.yaml, named by INTELROUTE_CONFIG, does not exist');
    // A relative name is shown resolved too: the command may run from another folder.
    expect(message(() => loadConfig({ env: { INTELROUTE_CONFIG: 'no-such.yaml' } }))).toBe(
      `config file no-such.yaml (${path.resolve('no-such.yaml')}), named by INTELROUTE_CONFIG, does not exist`,
    );
    expect(
      message(() =>
        loadConfig({ env: {}, file: path.dirname(configFile('')), fileNamedBy: '--config' }),
      ),
    ).toMatch(/, named by --config, is a folder, not a file$/);
  });
});
