export {
  appendToChain,
  auditFields,
  auditRecordsFor,
  resumeChain,
  startChain,
  type AppendedAuditRecord,
  type AuditBatch,
  type AuditFields,
  type ChainState,
} from './audit-chain';
export {
  AUDIT_CONTENT_TYPE,
  GENESIS_HASH,
  parseAuditValue,
  serializeAuditRecord,
  sha256Hex,
} from './audit-format';
export {
  encodeChainHead,
  parseChainHead,
  readHeads,
  type AuditChainHead,
  type HeadProblem,
} from './audit-head';
export { auditTopicsFor, outboundAuditRecords, type AuditTopics } from './audit-outbound';
export {
  formatHeadProblem,
  formatStoryHeader,
  formatStoryLine,
  formatSummary,
  formatVerdict,
} from './audit-report-format';
export {
  readTopicToEnd,
  topicEnds,
  type TopicEnds,
  type TopicReaderDeps,
  type TopicRecord,
} from '../kafka/topic-reader';
export { readAuditTrail, type AuditTrail } from './audit-trail-reader';
export { verifyChains, type VerifyOptions } from './chain-verifier';
export { compareStoryOrder, messageStory } from './message-story';
export type {
  AuditTopicRecord,
  ChainProblem,
  ChainProblemKind,
  ChainVerdict,
  RecordPosition,
  VerificationReport,
} from './verification-types';
export { AuditParticipant, loadChainState } from './audit-participant';
export { startAuditedWriter, type AuditedWriterOptions } from './audited-writer';
