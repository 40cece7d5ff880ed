import { checkExtraListeners, parseJavaMajorVersion } from '../../../src/kafka/local';
import {
  clusterIdFrom,
  renderServerProperties,
  type LocalNodeSpec,
} from '../../../src/kafka/local/node-properties';

const node = (id: number): LocalNodeSpec => ({
  nodeId: id,
  brokerPort: 9000 + id,
  controllerPort: 9100 + id,
  dataDir: `/tmp/n${id}/data`,
  logDir: `/tmp/n${id}/logs`,
});

function properties(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

describe('renderServerProperties', () => {
  it('makes every node broker and controller, voting with all the others', () => {
    const all = [node(1), node(2), node(3)];
    const props = properties(renderServerProperties(node(2), all));
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe(
      '1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103',
    );
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9002');
    expect(props.get('offsets.topic.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
    expect(props.get('auto.create.topics.enable')).toBe('false');
  });

  it('opens no listener beyond PLAINTEXT and CONTROLLER unless asked', () => {
    const props = properties(renderServerProperties(node(1), [node(1)]));
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9101');
    expect(props.get('listener.security.protocol.map')).toBe(
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    );
  });

  it('adds an extra listener that advertises another address, inter-broker traffic unchanged', () => {
    const proxied: LocalNodeSpec = {
      ...node(1),
      extraListeners: [{ name: 'PROXIED', port: 9201, advertised: '127.0.0.1:7001' }],
    };
    const props = properties(renderServerProperties(proxied, [proxied]));
    expect(props.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9101,PROXIED://127.0.0.1:9201',
    );
    expect(props.get('advertised.listeners')).toBe(
      'PLAINTEXT://127.0.0.1:9001,PROXIED://127.0.0.1:7001',
    );
    expect(props.get('listener.security.protocol.map')).toBe(
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:PLAINTEXT',
    );
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
  });

  it('scales internal replication down for a single node', () => {
    const props = properties(renderServerProperties(node(1), [node(1)]));
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
  });
});

describe('checkExtraListeners', () => {
  const advertised = (): string => '127.0.0.1:1';
  it('takes distinct upper-case names', () => {
    const listeners = [
      { name: 'PROXIED', advertised },
      { name: 'OTHER_2', advertised },
    ];
    expect(checkExtraListeners(listeners)).toBe(listeners);
  });
  it.each(['PLAINTEXT', 'CONTROLLER', 'proxied', 'A-B', ''])('refuses "%s"', (name) => {
    expect(() => checkExtraListeners([{ name, advertised }])).toThrow(RangeError);
  });
  it('refuses a repeated name', () => {
    expect(() =>
      checkExtraListeners([
        { name: 'PROXIED', advertised },
        { name: 'PROXIED', advertised },
      ]),
    ).toThrow(RangeError);
  });
});

describe('clusterIdFrom', () => {
  it('encodes 16 bytes as 22 URL-safe base64 characters', () => {
    expect(clusterIdFrom(new Uint8Array(16).fill(255))).toBe('_____________________w');
    expect(() => clusterIdFrom(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('parseJavaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['no version here', undefined],
  ])('%s → %s', (output, expected) => {
    expect(parseJavaMajorVersion(output)).toBe(expected);
  });
});
