import path from 'node:path';

/**
 * How a broker JVM logs: Kafka 3.x through slf4j-reload4j (log4j 1.x properties), Kafka 4.x
 * through Log4j 2 (KIP-653: 4.0 dropped reload4j). The Maven profile of the same name in
 * deploy/local-kafka/pom.xml fetches the matching binding.
 */
export type BrokerLoggingKind = 'reload4j' | 'log4j2';

/** What a node needs to log to `<logDir>/server.log` with its Kafka version's framework. */
export interface BrokerLogging {
  readonly kind: BrokerLoggingKind;
  /** Name of the configuration file written beside server.properties. */
  readonly fileName: string;
  /** The configuration file's text for a node logging into `logDir`. */
  render(logDir: string): string;
  /** The JVM system property that points the framework at `file`. */
  jvmFlag(file: string): string;
}

/** The logging of a Kafka `version` (`major.minor.patch`): Log4j 2 from 4.0 on. */
export function brokerLoggingFor(version: string): BrokerLogging {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return Number.isFinite(major) && major >= 4 ? LOG4J2 : RELOAD4J;
}

const RELOAD4J: BrokerLogging = Object.freeze({
  kind: 'reload4j',
  fileName: 'log4j.properties',
  render: renderLog4jProperties,
  jvmFlag: (file: string) => `-Dlog4j.configuration=file:${file}`,
});

const LOG4J2: BrokerLogging = Object.freeze({
  kind: 'log4j2',
  fileName: 'log4j2.properties',
  render: renderLog4j2Properties,
  jvmFlag: (file: string) => `-Dlog4j2.configurationFile=${path.resolve(file)}`,
});

/** log4j 1.x (reload4j) configuration: everything into `<logDir>/server.log`. */
export function renderLog4jProperties(logDir: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logDir}/server.log`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    '',
  ].join('\n');
}

/**
 * Log4j 2 configuration in its properties format (built into log4j-core: no YAML parser needed),
 * with the same effect as the 3.x file: INFO into `<logDir>/server.log`, the request and
 * state-change loggers at WARN.
 */
export function renderLog4j2Properties(logDir: string): string {
  return [
    'status=warn',
    'name=intelroute-local-kafka',
    'appender.file.type=File',
    'appender.file.name=file',
    `appender.file.fileName=${logDir}/server.log`,
    'appender.file.layout.type=PatternLayout',
    'appender.file.layout.pattern=[%d] %p %m (%c)%n',
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.file.ref=file',
    'logger.request.name=kafka.request.logger',
    'logger.request.level=WARN',
    'logger.stateChange.name=state.change.logger',
    'logger.stateChange.level=WARN',
    '',
  ].join('\n');
}
