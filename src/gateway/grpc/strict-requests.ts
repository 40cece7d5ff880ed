import { findWireProblem, type WireProblem, type WireSchema } from '../../contract/wire-check';
import {
  IntelGatewayService,
  PublishAck,
  PublishRequest,
  PublishResult,
  SubscribeRequest,
  SubscribeResponse,
} from '../../contract/generated/intelroute/v1/gateway';
import { encodeMessage } from '../../contract/message-encoding';
import { refusal, type GatewayRefusal } from '../gateway-refusal';

/** Marks a request whose bytes were not sound; the handler refuses it (see malformedRequest). */
const MALFORMED = Symbol('malformed request');

type Marked = { [MALFORMED]?: WireProblem };

/**
 * The gateway's service definition with requests read strictly (contract/wire-check) before the
 * generated decoder. A deserializer that throws makes grpc-js end the call with a bare INTERNAL
 * (and a PublishStream with it, acks owed included), so these never throw: a malformed request
 * comes to the handler marked, as far as it could be decoded, and the handler refuses it with
 * INVALID_ARGUMENT / REQUEST_MALFORMED.
 */
export function strictGatewayService(schema: WireSchema): typeof IntelGatewayService {
  const publish = strictDecoder(schema, 'intelroute.v1.PublishRequest', PublishRequest);
  const subscribe = strictDecoder(schema, 'intelroute.v1.SubscribeRequest', SubscribeRequest);
  return {
    ...IntelGatewayService,
    publish: {
      ...IntelGatewayService.publish,
      requestDeserialize: publish,
      responseSerialize: (ack) => encodeMessage(PublishAck, ack),
    },
    publishStream: {
      ...IntelGatewayService.publishStream,
      requestDeserialize: publish,
      responseSerialize: (result) => encodeMessage(PublishResult, result),
    },
    subscribe: {
      ...IntelGatewayService.subscribe,
      requestDeserialize: subscribe,
      responseSerialize: (response) => encodeMessage(SubscribeResponse, response),
    },
  };
}

function strictDecoder<T extends object>(
  schema: WireSchema,
  typeName: string,
  codec: { decode(bytes: Uint8Array): T; create(): T },
): (bytes: Buffer) => T {
  return (bytes) => {
    const wireProblem = findWireProblem(schema, typeName, bytes);
    const decoded = decodeOrProblem(codec, bytes, wireProblem?.decodable !== false);
    const problem = wireProblem ?? decoded.problem;
    if (problem === undefined && decoded.value !== undefined) return decoded.value;
    // Decoded as far as it could be, for its message id if any.
    const marked: T & Marked = Object.assign(decoded.value ?? codec.create(), {
      [MALFORMED]: problem,
    });
    return marked;
  };
}

/**
 * The request decoded once (the generated decoder may still refuse what the wire check passed:
 * that should be nothing), or why it could not be. `attempt` false: not even tried.
 */
function decodeOrProblem<T>(
  codec: { decode(bytes: Uint8Array): T },
  bytes: Buffer,
  attempt: boolean,
): { value?: T; problem?: WireProblem } {
  if (!attempt) return {};
  try {
    return { value: codec.decode(bytes) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { problem: { decodable: false, field: '', description: `is not protobuf: ${why}` } };
  }
}

/**
 * The refusal of a request whose bytes were not sound, or undefined for a sound one. Fields of
 * a PublishRequest's envelope are named as envelope fields are elsewhere (`destinations[0]`).
 */
export function malformedRequest(request: object): GatewayRefusal | undefined {
  const problem = (request as Marked)[MALFORMED];
  if (problem === undefined) return undefined;
  const field = problem.field.replace(/^envelope\./, '') || 'request';
  const message = `${problem.decodable ? field : 'the request'} ${problem.description}`;
  return refusal('REQUEST_MALFORMED', message, [
    { field, description: problem.description, reason: 'REQUEST_MALFORMED' },
  ]);
}

/** True when the request could not be decoded at all (its stream cannot go on). */
export function isUndecodable(request: object): boolean {
  return (request as Marked)[MALFORMED]?.decodable === false;
}
