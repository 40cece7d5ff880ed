/**
 * The request-deadline ledger: requests and answers as ledger events, the per-partition ledger
 * backed by a compacted changelog, and overdue notices sent through the gateway (README.md).
 */
export { RequestLedger, requestLedgerGroups, type RequestLedgerOptions } from './request-ledger';
export { readLedger, statusLines, type RequestStatusLine } from './ledger-status';
export {
  applyLedgerEvent,
  noticeIdOf,
  noticesDue,
  recipientStatuses,
  type LedgerEntry,
  type RecipientStatus,
} from './ledger-entry';
export {
  ledgerEventOf,
  SECRETARIAT,
  type LedgerEvent,
  type Party,
  type PriorityName,
  type RequestFacts,
} from './ledger-event';
export { noticeEnvelope } from './notice-envelope';
export { DeadlineWatch, type DeadlineWatchDeps } from './deadline-watch';
