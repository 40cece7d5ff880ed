/**
 * Every error intelroute raises has a stable code from this table: clients, logs and tests
 * match on codes, never on message text. `retriable` tells a caller whether the same request
 * may succeed later. What a gRPC caller is told is a refusal reason (gateway/gateway-refusal.ts
 * maps the codes that reach it), whose status is in contract/reason-status.ts.
 * Adding a code is a contract change for senders: never rename or reuse one.
 */
export const ERROR_CODES = {
  // Start-up and environment
  CONFIG_INVALID: { retriable: false },
  JAVA_MISSING: { retriable: false },
  MAVEN_MISSING: { retriable: false },
  KAFKA_JARS_FETCH_FAILED: { retriable: false },
  KAFKA_START_FAILED: { retriable: false },
  TOPIC_PLAN_CONFLICT: { retriable: false },
  // A payload schema file breaks the schema rules or does not compile (start-up only).
  SCHEMA_INVALID: { retriable: false },

  // Broker trouble seen while serving a request
  KAFKA_UNAVAILABLE: { retriable: true },
  KAFKA_TIMEOUT: { retriable: true },
  // A record names a topic the cluster does not have: topics were not provisioned.
  KAFKA_TOPIC_MISSING: { retriable: false },
  // A job's records for one topic exceed Kafka's batch limit (topics.maxMessageBytes): refused
  // before anything is sent, so no other job of the transaction is affected.
  KAFKA_RECORD_TOO_LARGE: { retriable: false },
  // Kafka refused a record of this job itself (too large for the topic, invalid): the job is
  // failed alone, its neighbours in the transaction are written without it.
  KAFKA_RECORD_REJECTED: { retriable: false },
  // The component is stopping and takes no new work; retry elsewhere or later.
  SHUTTING_DOWN: { retriable: true },

  INTERNAL: { retriable: false },

  // --- Identity and certificates (src/identity, src/identity/certs, `intelroute certs`) ---
  // A text that is not one of the identity URN forms (gateway.proto header).
  IDENTITY_INVALID: { retriable: false },
  // The peer's certificate proves no usable identity (none, several, or a malformed one).
  UNAUTHENTICATED: { retriable: false },
  // Certificate tooling: a folder, file, key or crypto operation failed (missing or corrupt CA).
  CERTIFICATE_TOOLING_FAILED: { retriable: false },
  // `certs init` found a CA already in the folder and was not told to replace it (--force).
  CERTIFICATE_AUTHORITY_EXISTS: { retriable: false },
  // Bad input to the tooling: a serial, host, validity, file name, or a certificate of another CA.
  CERTIFICATE_INPUT_INVALID: { retriable: false },
  // --- end identity and certificates ---

  // --- Routing rules and authorisation data (src/core/routing, src/core/authorization) ---
  // Thrown when a rule set, publish policy or grant table fails validation at load or hot
  // reload (the caller keeps the previous version); never raised while serving a request.
  ROUTING_RULES_INVALID: { retriable: false },
  POLICY_INVALID: { retriable: false },
  GRANTS_INVALID: { retriable: false },
  // --- end routing rules and authorisation data ---

  // --- Client SDK and `intelroute send` (src/client, src/cli/commands/send-command.ts) ---
  // Raised on the sender's side only.
  // The gateway refused the message for good: fix it before sending it again (the error's
  // `refusal` says which field and rule).
  PUBLISH_REFUSED: { retriable: false },
  // The message was not acknowledged for a transient reason (gateway or Kafka unavailable,
  // deadline, rate limit) after the client's own retries: resend it later with the same id.
  PUBLISH_NOT_ACKNOWLEDGED: { retriable: true },
  // Bad client options: address, TLS material (missing or unreadable files), limits.
  CLIENT_OPTIONS_INVALID: { retriable: false },
  // The client or publish stream was closed before the message got a result, or a send came
  // after end(): whether the gateway accepted the message is unknown (resend with the same id).
  CLIENT_CLOSED: { retriable: false },
  // An envelope given to the client or to `intelroute send` cannot be sent as it is: unreadable
  // file, not JSON, not the proto3 JSON mapping of an Envelope, a value protobuf cannot encode
  // (an invalid date, a negative uint32), or on a stream no message_id or one already in flight.
  ENVELOPE_INPUT_INVALID: { retriable: false },
  // --- end client SDK ---

  // --- Audit trail (src/audit, `intelroute audit`) ---
  // An audit record or chain head cannot be built (bad fields: no time, empty chain id, unknown
  // event) or a value read from the audit topics is not one (not UTF-8 JSON in the format).
  AUDIT_RECORD_INVALID: { retriable: false },
  // `intelroute audit trace`: no audit record mentions the message id.
  AUDIT_MESSAGE_NOT_FOUND: { retriable: false },
  // --- end audit trail ---

  // --- Readers and subscriptions (src/services/readers, `intelroute consume|directory`) ---
  // A reader's handler (sink) failed for a reason that may pass: the runtime retries it with
  // backoff and parks the message in the dead-letter topic after `readers.maxAttempts`.
  READER_HANDLER_FAILED: { retriable: true },
  // The sink refused the message for good (a webhook's 4xx other than 408/429): it is parked in
  // the dead-letter topic at once, without further attempts.
  READER_HANDLER_REJECTED: { retriable: false },
  // Bad reader options: an unknown country, an unusable output file or webhook URL, conflicting
  // sinks.
  READER_OPTIONS_INVALID: { retriable: false },
  // The identity already has an active subscription (one at a time per identity, so offsets
  // stay consistent). Retriable: the other stream may be ending (a dropped connection the server
  // has not noticed yet).
  SUBSCRIPTION_ALREADY_ACTIVE: { retriable: true },
  // The subscription is stopping or stopped: it delivers nothing more and takes no acks.
  SUBSCRIPTION_CLOSED: { retriable: true },
  // `intelroute directory show <CC>`: no contact point was ever designated for the country.
  DIRECTORY_COUNTRY_UNKNOWN: { retriable: false },
  // --- end readers and subscriptions ---

  // --- Link detection (src/services/links) ---
  // The network secret that keys selector hashes is not bytes or is shorter than 32 bytes: a
  // configuration fault, raised before any payload is read, never because of a payload.
  LINK_SECRET_INVALID: { retriable: false },
  // `intelroute links show`: no link the identity may see involves the message.
  LINK_NOT_FOUND: { retriable: false },
  // Bad options of `intelroute links|requests`: an identity that has no view, a bad message id.
  SERVICE_OPTIONS_INVALID: { retriable: false },
  // --- end link detection ---
} as const satisfies Record<string, ErrorCodeSpec>;

export interface ErrorCodeSpec {
  readonly retriable: boolean;
}

export type ErrorCode = keyof typeof ERROR_CODES;
