import type { Command } from 'commander';
import {
  auditTopicsFor,
  formatStoryHeader,
  formatStoryLine,
  messageStory,
  parseAuditValue,
  readTopicToEnd,
} from '../../audit';
import { verifyAuditTrail } from '../../audit/verify-trail';
import { trustedWriterKeys } from '../../audit/writer-keys';
import { IntelrouteError } from '../../core/errors';
import { AuditRecord } from '../../contract/generated/intelroute/v1/records';
import { action, cliContext, withKafka } from '../cli-context';

/** `intelroute audit verify|trace`: check the audit trail's hash chains, follow one message. */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('check the tamper-evident audit trail and follow a message through it');
  audit
    .command('verify')
    .description(
      'walk every hash chain of the audit topic against its head; exit 1 if any is broken',
    )
    .option(
      '--live',
      'the trail is being written: accept records committed after the heads were read',
    )
    .action(action(runVerify));
  audit
    .command('trace')
    .description("print a message's whole audit story in order (sender, routes, readers)")
    .argument('<message_id>', 'the message id')
    .option('--json', 'one JSON line per event (AuditRecord in the proto3 JSON mapping)')
    .action(action(runTrace));
}

/**
 * One line per chain, the unusable heads, the heads no trusted writer signed, a summary; exit
 * code 1 unless everything is ok.
 */
async function runVerify(options: { live?: boolean }, command: Command): Promise<void> {
  const { config, logger } = cliContext(command);
  const trusted = trustedWriterKeys(config); // before Kafka: a bad key folder fails at once
  const topics = auditTopicsFor(config.topics.prefix);
  const verification = await withKafka(config, logger, (deps) =>
    verifyAuditTrail(deps, topics, trusted, { live: options.live === true }),
  );
  process.stdout.write(`${verification.lines.join('\n')}\n`);
  if (!verification.ok) process.exitCode = 1;
}

/**
 * The message's events in order, or JSON lines.
 * @throws IntelrouteError AUDIT_MESSAGE_NOT_FOUND when no record names the message.
 */
async function runTrace(
  messageId: string,
  options: { json?: boolean },
  command: Command,
): Promise<void> {
  const { config, logger } = cliContext(command);
  const topic = auditTopicsFor(config.topics.prefix).audit;
  const records = await withKafka(config, logger, (deps) => readTopicToEnd(deps, topic));
  const { parsed, unreadable } = parseAll(records);
  if (unreadable > 0) {
    process.stderr.write(
      `intelroute: ${unreadable} unreadable audit record(s) skipped; run \`intelroute audit verify\`\n`,
    );
  }
  const story = messageStory(parsed, messageId);
  if (story.length === 0) {
    throw new IntelrouteError(
      'AUDIT_MESSAGE_NOT_FOUND',
      `no audit record of message ${messageId} in ${topic} (${parsed.length} record(s) read)`,
    );
  }
  const lines = options.json
    ? story.map((record) => JSON.stringify(AuditRecord.toJSON(record)))
    : [formatStoryHeader(messageId, story), ...story.map(formatStoryLine)];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function parseAll(records: readonly { value: Buffer | null }[]): {
  parsed: AuditRecord[];
  unreadable: number;
} {
  const parsed: AuditRecord[] = [];
  let unreadable = 0;
  for (const record of records) {
    try {
      parsed.push(parseAuditValue(record.value));
    } catch {
      unreadable += 1;
    }
  }
  return { parsed, unreadable };
}
