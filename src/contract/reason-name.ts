import { ReasonCode } from './generated/intelroute/v1/gateway';

type PrefixedName = keyof typeof ReasonCode;

/**
 * A gateway.proto `ReasonCode` name without its `REASON_CODE_` prefix, as carried by
 * `ErrorInfo.reason` and `RouteNotTaken.reason` (e.g. `'RESTRICTED_TO_EXCLUDES'`).
 */
export type ReasonName = Exclude<
  PrefixedName extends `REASON_CODE_${infer Name}` ? Name : never,
  'UNSPECIFIED'
>;

/** The numeric ReasonCode of a reason name, for callers that fill proto messages. */
export function reasonCodeOf(name: ReasonName): ReasonCode {
  return ReasonCode[`REASON_CODE_${name}`];
}
