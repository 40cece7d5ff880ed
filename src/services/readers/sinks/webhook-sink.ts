import { messageIdentity } from '../../../contract/message-identity';
import { IntelrouteError } from '../../../core/errors';
import { formatTraceparent } from '../../../telemetry/trace-context';
import type { ReaderDelivery } from '../runtime/reader-types';
import { messageDocument } from './message-document';
import type { Sink } from './sink';

/** Where the webhook sink posts, and how long one POST may take. */
export interface WebhookSinkOptions {
  readonly url: string;
  /** One POST, connection included; a timeout is a failed (retried) attempt. */
  readonly timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/**
 * POSTs each message's JSON document to a URL with `Idempotency-Key: <message_id>` (the receiver
 * drops a repeat: that is what makes a replay after a crash harmless) and the message's trace in
 * `traceparent`. 2xx is done. 408, 429, 5xx, redirects, timeouts and network errors are
 * READER_HANDLER_FAILED (the runtime retries with backoff, then dead-letters); any other 4xx is
 * READER_HANDLER_REJECTED (dead-lettered at once: the receiver refuses this message).
 */
export class WebhookSink implements Sink {
  readonly description: string;
  private readonly url: URL;

  /** @throws IntelrouteError READER_OPTIONS_INVALID for a URL that is not http(s). */
  constructor(private readonly options: WebhookSinkOptions) {
    this.url = parseWebhookUrl(options.url);
    this.description = `webhook:${this.url.origin}${this.url.pathname}`;
  }

  async open(): Promise<void> {}

  async deliver(delivery: ReaderDelivery): Promise<void> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(this.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          // "<origin>|<message_id>": ids are unique per sender only.
          'idempotency-key': messageIdentity(delivery.envelope),
          traceparent: formatTraceparent(delivery.trace),
        },
        body: JSON.stringify(messageDocument(delivery)),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new IntelrouteError('READER_HANDLER_FAILED', `webhook unreachable: ${why}`, { cause });
    }
    // The body is read and dropped so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    checkStatus(response.status);
  }

  async close(): Promise<void> {}
}

/** Maps an HTTP status to done / retry / refuse (see the class comment). */
export function checkStatus(status: number): void {
  if (status >= 200 && status < 300) return;
  const retriable = status === 408 || status === 429 || status < 400 || status >= 500;
  throw new IntelrouteError(
    retriable ? 'READER_HANDLER_FAILED' : 'READER_HANDLER_REJECTED',
    `webhook answered HTTP ${status}`,
    { details: { status } },
  );
}

function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new IntelrouteError('READER_OPTIONS_INVALID', `not a URL: ${text}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IntelrouteError('READER_OPTIONS_INVALID', `webhook must be http(s): ${text}`);
  }
  return url;
}
