import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/telemetry/logger';

/**
 * A logger whose lines are counted by message instead of printed, so a scenario can tell how
 * often the gateway recreated its producer and which Kafka errors it met. Set
 * INTELROUTE_FAULT_LOG=<file> to also append every line to a file (debugging a failure).
 */
export class LogCapture {
  readonly logger: Logger;
  private readonly messages = new Map<string, number>();
  private readonly errors = new Map<string, number>();

  constructor(level: 'info' | 'warn' = 'warn') {
    const file = process.env.INTELROUTE_FAULT_LOG;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        const text = chunk.toString('utf8');
        if (file !== undefined && file !== '') appendFileSync(file, text);
        for (const line of text.split('\n')) if (line.trim() !== '') this.take(line);
        done();
      },
    });
    this.logger = createLogger(level, sink);
  }

  /** How many lines had exactly this `msg`. */
  count(message: string): number {
    return this.messages.get(message) ?? 0;
  }

  /** Kafka error names (e.g. OUT_OF_ORDER_SEQUENCE_NUMBER) seen in `err` fields, with counts. */
  kafkaErrors(): Record<string, number> {
    return Object.fromEntries([...this.errors].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  private take(line: string): void {
    let parsed: { msg?: unknown; err?: unknown; error?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      return;
    }
    const message = typeof parsed.msg === 'string' ? parsed.msg : '';
    this.messages.set(message, (this.messages.get(message) ?? 0) + 1);
    const text = `${String(parsed.err ?? '')} ${String(parsed.error ?? '')} ${message}`;
    for (const name of text.match(/\b[A-Z][A-Z_]{6,}\b/g) ?? []) {
      this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
    }
  }
}
