import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';
import { activeSpanFields } from './log-trace-fields';

export type { Logger } from 'pino';

/**
 * Keys whose values never reach a log line, at the top level or one level down. A last line of
 * defence, not a licence: payloads and secrets are never passed to a logger in the first place.
 */
export const REDACTED_PATHS: readonly string[] = [
  'payload',
  '*.payload',
  'privateKey',
  '*.privateKey',
  'key',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
];

/**
 * The process logger: one JSON line per event on stderr (stdout is kept for command output such
 * as `KAFKA_BROKERS=…`), with the level's name, an ISO timestamp, and — for a line written while
 * a span is active — its `traceId` and `spanId` (fields passed in the call win, so code that
 * already logs a `traceId` keeps its own). Components take `logger.child({ component })`; a
 * component's child that names its own part gets the path (`gateway.subscriptions`), and every
 * key appears once per line (see `withReplacingBindings`).
 * `destination` is a file descriptor (default 2, stderr) or a stream (tests).
 */
export function createLogger(level: LogLevel, destination: number | DestinationStream = 2): Logger {
  const root = pino(
    {
      level,
      // `service` is a bound field like any other (see withReplacingBindings), not pino's base.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Bound fields first, then the span's ids; pino lets the call's own fields replace both.
      mixin: (_fields, _level, logger) => ({ ...boundFields(logger), ...activeSpanFields() }),
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    typeof destination === 'number'
      ? pino.destination({ dest: destination, sync: true })
      : destination,
  );
  return withReplacingBindings(root, { service: 'intelroute' });
}

/** Where a child logger keeps its bound fields (its ancestors' included). */
const BOUND_FIELDS = Symbol('intelroute.boundFields');

type BoundFields = Readonly<Record<string, unknown>>;
type WithBoundFields = Logger & { [BOUND_FIELDS]?: BoundFields };

function boundFields(logger: Logger): BoundFields {
  return (logger as WithBoundFields)[BOUND_FIELDS] ?? {};
}

/**
 * pino appends each child's bindings to its parent's as text, so a key bound at several levels
 * is written several times on one line (`"component":"gateway","component":"subscriptions",
 * "component":"reader-writer"`): JSON that parsers read differently (most keep the last value,
 * some the first, strict ones refuse it). Here a child's bindings are kept as one object instead
 * and written by the mixin: a key bound again replaces its parent's value, except `component`,
 * which becomes the dotted path of the components (`gateway.subscriptions.reader-writer`), so
 * a line still says whose part wrote it. Children of children inherit this `child` (pino makes
 * each child with Object.create of its parent). The root's own fields (`service`) are bound the
 * same way, so a call or a child naming `service` replaces it rather than repeating it.
 */
function withReplacingBindings(root: Logger, fields: BoundFields): Logger {
  // pino types `child` generically over custom levels, which this logger has none of.
  const pinoChild = root.child as unknown as ChildFn;
  const child: ChildFn = function (this, bindings, options) {
    const parent = boundFields(this);
    const bound: Record<string, unknown> = { ...parent, ...bindings };
    if (typeof parent.component === 'string' && typeof bindings.component === 'string') {
      bound.component = `${parent.component}.${bindings.component}`;
    }
    const instance = pinoChild.call(this, {}, options) as WithBoundFields;
    instance[BOUND_FIELDS] = Object.freeze(bound);
    return instance;
  };
  root.child = child as unknown as Logger['child'];
  (root as WithBoundFields)[BOUND_FIELDS] = Object.freeze({ ...fields });
  return root;
}

type ChildFn = (
  this: Logger,
  bindings: pino.Bindings,
  options?: pino.ChildLoggerOptions<never>,
) => Logger;

/** A logger that drops everything (tests and library callers that pass none). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
