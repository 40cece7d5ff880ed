import type { Logger } from '../../../telemetry/logger';
import type { KeyedStateLogic, RecordContext } from '../../../kafka/stream/keyed-state-processor';
import type { SystemPublisher } from '../../shared/system-publisher';
import { alertEnvelope, type AlertContactPoint } from './alert-envelope';
import { decideOnObservation, markTold, type AlertPlan } from './link-decision';
import { decodeLinkState, encodeLinkState, type LinkState } from './link-state';
import { decodeObservation, type SelectorObservation } from './observation-types';

/** What the index stage needs. */
export interface LinkIndexDeps {
  readonly publisher: Pick<SystemPublisher, 'publish'>;
  /** The directory's contact point of a country (followed, so updates apply). */
  readonly contactPoint: (country: string) => AlertContactPoint | undefined;
  readonly maxObservationsPerSelector: number;
  readonly logger: Logger;
}

/**
 * The detector's second stage, on the selectors topic: fold each observation into its selector's
 * state, send the alerts that became due through the gateway, then return the state with what
 * each recipient was told. The processor commits that state with the input offset in one
 * transaction; an alert is always sent before the state saying so is committed, so a crash
 * re-decides the same alerts, with the same ids, and the gateway answers them as duplicates.
 */
export function linkIndexLogic(
  deps: LinkIndexDeps,
): KeyedStateLogic<SelectorObservation, LinkState> {
  return {
    decodeInput: decodeObservation,
    decodeState: decodeLinkState,
    encodeState: encodeLinkState,
    async apply(key, observation, state, context) {
      if (observation.selectorKey !== key) return undefined;
      const decision = decideOnObservation(state, observation, deps.maxObservationsPerSelector);
      if (decision === undefined) return undefined;
      if (decision.alerts.length === 0) return decision.state;
      // The alerts of one decision go to different recipients: sent together, the gateway
      // writes them in one transaction instead of one after the other.
      const answered = await Promise.all(decision.alerts.map((plan) => send(deps, plan, context)));
      return markTold(decision.state, answered);
    },
  };
}

async function send(
  deps: LinkIndexDeps,
  plan: AlertPlan,
  context: RecordContext,
): Promise<{ plan: AlertPlan; refusedReason?: string }> {
  const outcome = await deps.publisher.publish(alertEnvelope(plan, deps.contactPoint), context);
  deps.logger.info(
    {
      alertId: plan.alertId,
      linkId: plan.linkId,
      recipient: plan.recipient,
      countries: plan.countries,
      outcome: outcome.kind,
    },
    'link alert',
  );
  return outcome.kind === 'refused' ? { plan, refusedReason: outcome.reason } : { plan };
}
