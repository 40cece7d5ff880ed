import { auditFields, type AuditFields } from '../audit';
import { AuditEvent } from '../contract/generated/intelroute/v1/records';
import type { LandedJob } from '../kafka/transactional-writer';
import type { GatewayEvent, MessageFacts } from './gateway-events';

/**
 * The audit entries of one written job: ROUTED for an accepted message (with the offsets its
 * records landed at), REFUSED for a refusal, DUPLICATE for a retry answered from memory,
 * RULES_RELOADED / GRANTS_CHANGED / SCHEMAS_RELOADED for configuration. Never payload. One entry per decision: it
 * carries the reception (time, sender, trace, payload hash), which a separate RECEIVED entry
 * (written before 2026-12) only repeated.
 */
export function gatewayAuditFields({ job, locations }: LandedJob<GatewayEvent>): AuditFields[] {
  return job.events.flatMap((event): AuditFields[] => {
    switch (event.kind) {
      case 'routed':
        return [
          messageFields(event.facts, AuditEvent.AUDIT_EVENT_ROUTED, {
            locations: locations.map(({ topic, partition, offset }) => ({
              topic,
              partition,
              offset,
            })),
            routesNotTaken: event.notTaken.map(({ topic, reason, description }) => ({
              topic,
              reason,
              description,
            })),
            ruleId: event.ruleId,
          }),
        ];
      case 'refused':
        return [
          messageFields(event.facts, AuditEvent.AUDIT_EVENT_REFUSED, {
            reason: event.refusal.reason,
            description: event.refusal.message,
            fields: event.refusal.violations.map((v) => v.field),
          }),
        ];
      case 'duplicate':
        return [messageFields(event.facts, AuditEvent.AUDIT_EVENT_DUPLICATE)];
      case 'subscribe-refused':
        return [
          auditFields({
            event: AuditEvent.AUDIT_EVENT_SUBSCRIBE_REFUSED,
            at: event.at,
            identity: event.identity,
            reader: event.stream,
            reason: event.refusal.reason,
            description: event.refusal.message,
          }),
        ];
      case 'config':
        return [
          auditFields({
            event: CONFIG_EVENTS[event.what],
            at: event.at,
            description: event.description,
            changes: { ...event.changes },
          }),
        ];
    }
  });
}

const CONFIG_EVENTS = {
  rules: AuditEvent.AUDIT_EVENT_RULES_RELOADED,
  grants: AuditEvent.AUDIT_EVENT_GRANTS_CHANGED,
  schemas: AuditEvent.AUDIT_EVENT_SCHEMAS_RELOADED,
} as const;

/** What an entry about a message adds to the reception facts (by event). */
type OwnFields = Partial<
  Pick<AuditFields, 'locations' | 'routesNotTaken' | 'ruleId' | 'reason' | 'description' | 'fields'>
>;

/**
 * The reception facts every message's entry carries, and the entry's own fields. Named one by
 * one (no spread of `own`): objects built by spreading and adding members read slowly in V8.
 */
function messageFields(facts: MessageFacts, event: AuditEvent, own: OwnFields = {}): AuditFields {
  return auditFields({
    locations: own.locations,
    routesNotTaken: own.routesNotTaken,
    ruleId: own.ruleId,
    reason: own.reason,
    description: own.description,
    fields: own.fields,
    event,
    at: facts.at,
    messageId: facts.messageId,
    messageType: facts.messageType,
    origin: facts.origin,
    identity: facts.identity,
    traceId: facts.traceId,
    payloadSha256: facts.payloadSha256,
    payloadSize: String(facts.payloadSize),
  });
}
