import {
  brokerLoggingFor,
  renderLog4j2Properties,
  renderLog4jProperties,
} from '../../../src/kafka/local/broker-logging';

function properties(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

describe('brokerLoggingFor', () => {
  it.each(['3.9.1', '3.8.1', '2.8.2'])(
    'Kafka %s logs with reload4j (log4j 1.x properties)',
    (v) => {
      const logging = brokerLoggingFor(v);
      expect(logging.kind).toBe('reload4j');
      expect(logging.fileName).toBe('log4j.properties');
      expect(logging.jvmFlag('/n/log4j.properties')).toBe(
        '-Dlog4j.configuration=file:/n/log4j.properties',
      );
      expect(logging.render('/n/logs')).toBe(renderLog4jProperties('/n/logs'));
    },
  );

  it.each(['4.0.0', '4.1.1', '5.0.0'])(
    'Kafka %s logs with Log4j 2 (its properties format)',
    (v) => {
      const logging = brokerLoggingFor(v);
      expect(logging.kind).toBe('log4j2');
      expect(logging.fileName).toBe('log4j2.properties');
      expect(logging.jvmFlag('/n/log4j2.properties')).toBe(
        '-Dlog4j2.configurationFile=/n/log4j2.properties',
      );
      expect(logging.render('/n/logs')).toBe(renderLog4j2Properties('/n/logs'));
    },
  );
});

describe('logging configurations', () => {
  it('log4j 1.x: INFO into server.log, request and state-change loggers at WARN', () => {
    const props = properties(renderLog4jProperties('/n/logs'));
    expect(props.get('log4j.rootLogger')).toBe('INFO, file');
    expect(props.get('log4j.appender.file.File')).toBe('/n/logs/server.log');
    expect(props.get('log4j.logger.kafka.request.logger')).toBe('WARN');
    expect(props.get('log4j.logger.state.change.logger')).toBe('WARN');
  });

  it('Log4j 2: the same, in Log4j 2 keys (a file appender referenced by the root logger)', () => {
    const props = properties(renderLog4j2Properties('/n/logs'));
    expect(props.get('appender.file.type')).toBe('File');
    expect(props.get('appender.file.fileName')).toBe('/n/logs/server.log');
    expect(props.get('rootLogger.level')).toBe('INFO');
    expect(props.get('rootLogger.appenderRef.file.ref')).toBe(props.get('appender.file.name'));
    expect(props.get('logger.request.name')).toBe('kafka.request.logger');
    expect(props.get('logger.request.level')).toBe('WARN');
    expect(props.get('logger.stateChange.name')).toBe('state.change.logger');
    expect(props.get('logger.stateChange.level')).toBe('WARN');
  });
});
