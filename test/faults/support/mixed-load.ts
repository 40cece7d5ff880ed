import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { healthStatus } from '../../helpers/health';
import type { FaultGateway } from './fault-gateway';
import type { Ledger } from './ledger';
import { LoadBook, requestTo, runStreamLoad, runUnaryLoad } from './publish-load';

/** A load that runs until stopped: unary calls and one stream, every outcome timed. */
export interface MixedLoad {
  readonly book: LoadBook;
  /** Resolves once sending stopped and every send settled. */
  readonly done: Promise<void>;
  /** Stops sending (idempotent). */
  stop(): void;
}

/** Most messages of each part of the load: the loops' bound, whatever the time bound. */
const MAX_MESSAGES = 20_000;

/**
 * Unary Publish calls (4 workers, no client retries, deadline = publishTimeoutMs + 2 s) and one
 * PublishStream (no retries), all to Germany's inbox, until `stop()` or `maxMs`. Each outcome
 * must come from the gateway within its publishTimeoutMs: the client's own deadline is later,
 * so a gateway that hangs shows as a late outcome rather than a DEADLINE_EXCEEDED in time.
 */
export async function startMixedLoad(
  gw: FaultGateway,
  ledger: Ledger,
  options: { publishTimeoutMs: number; maxMs: number },
): Promise<MixedLoad> {
  const book = new LoadBook(ledger);
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  const timer = setTimeout(stop, options.maxMs);
  const unaryClient = await gw.client('urn:intelroute:ncb:FR', { retry: false });
  const streamClient = await gw.client('urn:intelroute:ncb:IT', { retry: false });
  const done = Promise.all([
    runUnaryLoad({
      client: unaryClient,
      book,
      count: MAX_MESSAGES,
      concurrency: 4,
      deadlineMs: options.publishTimeoutMs + 2000,
      answerWithinMs: options.publishTimeoutMs,
      message: () => ({ envelope: requestTo('FR', 'DE'), towardsReader: true }),
      stop: () => stopped,
      pauseMs: 2,
      failurePauseMs: 100,
    }),
    runStreamLoad({
      client: streamClient,
      book,
      count: MAX_MESSAGES,
      maxInFlight: 64,
      timedWithinMs: options.publishTimeoutMs,
      message: (i) => ({ envelope: requestTo('IT', 'DE', `case-${i % 7}`), towardsReader: true }),
      stop: () => stopped,
      failurePauseMs: 100,
    }),
  ]).then(() => clearTimeout(timer));
  return { book, done, stop };
}

/** The gateway's grpc.health.v1 status as a load balancer sees it (UNREACHABLE on failure). */
export async function healthProbe(gw: FaultGateway): Promise<() => Promise<string>> {
  const files = await gw.certs.client('urn:intelroute:ncb:FR');
  const credentials = grpc.credentials.createSsl(
    readFileSync(files.caFile),
    readFileSync(files.keyFile),
    readFileSync(files.certFile),
  );
  return () => healthStatus(gw.address, credentials);
}

/** Polls `probe` every `intervalMs` until stopped, keeping every status seen. */
export function watchStatuses(
  probe: () => Promise<string>,
  intervalMs = 250,
): { stop(): Promise<Set<string>> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      seen.add(await probe());
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}
