#!/usr/bin/env bash
# Read-side (and gateway) ACLs for intelroute, using Kafka's own kafka-acls.sh.
#
#   deploy/kafka-acls/acls.sh            print the kafka-acls.sh commands (nothing is changed)
#   deploy/kafka-acls/acls.sh --apply    run them
#
# Settings (environment):
#   BOOTSTRAP           host:port of a broker                      (default 127.0.0.1:9092)
#   COMMAND_CONFIG      admin client properties (SASL/SSL), passed as --command-config
#   KAFKA_ACLS          the kafka-acls.sh to run                   (default kafka-acls.sh)
#   PREFIX              config topics.prefix, e.g. "staging."       (default empty)
#   COUNTRIES           member countries with a reader, "FR DE" or "FR,DE" (required)
#   GATEWAY_PRINCIPAL   the gateway's principal                    (default User:gateway)
#   GATEWAY_TXN_PREFIX  start of the gateway's transactional ids   (default intelroute-gateway)
#                       (the gateway uses "intelroute-<instanceId>"; instance ids default to
#                       "gateway-<host>-<port>")
#
# Principals: User:reader-country-<CC> per country, User:secretariat-reader, User:wg-reader,
# User:directory-reader, User:link-detector, User:request-ledger, User:console (the ops console,
# which writes nothing), and the gateway's. The gateway (Subscribe) and the request ledger read
# every member country's inbox: they are granted the "intel.v1.country." prefix, whatever
# COUNTRIES lists (only members' inboxes exist when topics are made by `intelroute topics apply`
# and auto.create.topics.enable=false).
# Each reader may READ its own topic(s) and its own consumer group, nothing else of the message
# streams. Because every reader commits its offsets in a Kafka transaction together with its
# processed marks and audit records, it also needs: WRITE on the processed, audit, audit-heads
# and dead-letter topics; READ on the processed and audit-heads topics (it reloads them at
# start); its own transactional ids (prefix "<group>."); IDEMPOTENT_WRITE on the cluster; and
# READ/DELETE on the throwaway groups "intelroute-topic-reader-*" used to read a topic to its end.
set -euo pipefail

APPLY=false
if [[ "${1:-}" == "--apply" ]]; then APPLY=true; elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--apply]" >&2
  exit 2
fi

BOOTSTRAP="${BOOTSTRAP:-127.0.0.1:9092}"
KAFKA_ACLS="${KAFKA_ACLS:-kafka-acls.sh}"
PREFIX="${PREFIX:-}"
GATEWAY_PRINCIPAL="${GATEWAY_PRINCIPAL:-User:gateway}"
GATEWAY_TXN_PREFIX="${GATEWAY_TXN_PREFIX:-intelroute-gateway}"
if [[ -z "${COUNTRIES:-}" ]]; then
  echo "$0: set COUNTRIES (e.g. COUNTRIES=\"FR DE\")" >&2
  exit 2
fi
read -r -a COUNTRY_LIST <<<"${COUNTRIES//,/ }"
for cc in "${COUNTRY_LIST[@]}"; do
  if [[ ! "$cc" =~ ^[A-Z]{2}$ ]]; then
    echo "$0: \"$cc\" is not a country code (ISO 3166-1 alpha-2, upper case)" >&2
    exit 2
  fi
done

P="$PREFIX"
PROCESSED="${P}intel.v1.readers.processed"
AUDIT="${P}intel.v1.audit"
HEADS="${P}intel.v1.audit.heads"
DEADLETTER="${P}intel.v1.deadletter"
BROADCAST="${P}intel.v1.broadcast"
SECRETARIAT="${P}intel.v1.secretariat"
WORKING_GROUP="${P}intel.v1.wg.internet-drugs"
IDEMPOTENCY="${P}intel.v1.idempotency"
DIRECTORY="${P}intel.v1.directory.contact-points"
INBOXES="${P}intel.v1.country."
TOPIC_READER_GROUPS="intelroute-topic-reader-"
CONSOLE_GROUPS="intelroute-console-"

# acl <principal> <literal|prefixed> <--topic|--group|--transactional-id|--cluster> <name|-> <op>...
acl() {
  local principal="$1" pattern="$2" kind="$3" name="$4"
  shift 4
  local cmd=("$KAFKA_ACLS" --bootstrap-server "$BOOTSTRAP")
  if [[ -n "${COMMAND_CONFIG:-}" ]]; then cmd+=(--command-config "$COMMAND_CONFIG"); fi
  cmd+=(--add --allow-principal "$principal")
  for op in "$@"; do cmd+=(--operation "$op"); done
  if [[ "$kind" == "--cluster" ]]; then cmd+=(--cluster); else cmd+=("$kind" "$name"); fi
  cmd+=(--resource-pattern-type "$pattern")
  if $APPLY; then "${cmd[@]}"; else printf '%q ' "${cmd[@]}" | sed 's/ $//'; echo; fi
}

# reader_commits <principal> <group>: what committing as a reader of <group> takes (its group,
# its transactional ids, the processed/audit/heads/dead-letter topics it writes in the commit
# transaction and reloads, the throwaway groups that read a topic to its end).
reader_commits() {
  local principal="$1" group="$2"
  acl "$principal" literal --group "$group" Read
  acl "$principal" prefixed --transactional-id "${group}." Write Describe
  for topic in "$PROCESSED" "$AUDIT" "$HEADS" "$DEADLETTER"; do
    acl "$principal" literal --topic "$topic" Write Describe
  done
  acl "$principal" literal --topic "$PROCESSED" Read
  acl "$principal" literal --topic "$HEADS" Read
  acl "$principal" prefixed --group "$TOPIC_READER_GROUPS" Read Delete
  acl "$principal" literal --cluster - IdempotentWrite
}

# reader <principal> <group> <topic>...
reader() {
  local principal="$1" group="$2"
  shift 2
  for topic in "$@"; do acl "$principal" literal --topic "$topic" Read Describe; done
  reader_commits "$principal" "$group"
}

# keyed_state <principal> <group> <input topic> <changelog topic>: a stage folding a keyed topic
# into a compacted changelog in transactions (reloaded at start through throwaway groups).
keyed_state() {
  local principal="$1" group="$2" input="$3" changelog="$4"
  acl "$principal" literal --topic "$input" Read Write Describe
  acl "$principal" literal --topic "$changelog" Read Write Describe
  acl "$principal" literal --group "$group" Read
  acl "$principal" prefixed --transactional-id "${group}." Write Describe
}

echo "# intelroute ACLs (prefix \"$P\"), $( $APPLY && echo applied || echo dry run )"
for cc in "${COUNTRY_LIST[@]}"; do
  echo "# reader of country $cc"
  reader "User:reader-country-$cc" "${P}intelroute.reader.country.$cc" \
    "${P}intel.v1.country.$cc" "$BROADCAST"
done
echo "# Secretariat reader"
reader "User:secretariat-reader" "${P}intelroute.reader.secretariat" "$SECRETARIAT"
echo "# working-group reader"
reader "User:wg-reader" "${P}intelroute.reader.working-group" "$WORKING_GROUP"

echo "# contact-point directory readers (intelroute directory show)"
D="User:directory-reader"
acl "$D" literal --topic "$DIRECTORY" Read Describe
acl "$D" prefixed --group "$TOPIC_READER_GROUPS" Read Delete
acl "$D" prefixed --group "${P}intelroute.directory." Read Delete

echo "# link detector (intelroute links run): Secretariat stream -> selectors -> link index"
L="User:link-detector"
acl "$L" literal --topic "$SECRETARIAT" Read Describe
reader_commits "$L" "${P}intelroute.links.observer"
keyed_state "$L" "${P}intelroute.links.index" "${P}intel.v1.selectors" "${P}intel.v1.links.state"
acl "$L" literal --topic "$DIRECTORY" Read Describe
acl "$L" prefixed --group "${P}intelroute.directory." Read Delete

echo "# request ledger (intelroute requests run): every inbox and the Secretariat stream -> ledger"
R="User:request-ledger"
acl "$R" literal --topic "$SECRETARIAT" Read Describe
acl "$R" prefixed --topic "$INBOXES" Read Describe
reader_commits "$R" "${P}intelroute.requests.observer"
keyed_state "$R" "${P}intelroute.requests.ledger" "${P}intel.v1.requests.events" \
  "${P}intel.v1.requests.ledger"

echo "# gateway: writes every intelroute topic, serves Subscribe (reads the streams as subscribers)"
G="$GATEWAY_PRINCIPAL"
acl "$G" prefixed --topic "${P}intel.v1." Write Describe
for topic in "$IDEMPOTENCY" "$HEADS" "$DIRECTORY" "$BROADCAST" "$SECRETARIAT" "$WORKING_GROUP"; do
  acl "$G" literal --topic "$topic" Read
done
acl "$G" prefixed --topic "$INBOXES" Read
acl "$G" prefixed --group "${P}intelroute.subscriber." Read
acl "$G" prefixed --group "$TOPIC_READER_GROUPS" Read Delete
acl "$G" prefixed --transactional-id "$GATEWAY_TXN_PREFIX" Write Describe
acl "$G" prefixed --transactional-id "${P}intelroute.subscriptions." Write Describe
acl "$G" literal --cluster - IdempotentWrite

echo "# ops console (intelroute console): reads the audit trail and every group's lag, writes nothing"
# Its own throwaway group and verify's topic-reader groups, deleted when done (Delete removes an
# empty group, never a record); Describe on every group, as one it could not describe would fail
# the lag round, and on every intelroute topic; Describe on the cluster for its broker census.
C="User:console"
acl "$C" literal --topic "$AUDIT" Read Describe
acl "$C" literal --topic "$HEADS" Read Describe
acl "$C" prefixed --topic "${P}intel.v1." Describe
acl "$C" prefixed --group "$CONSOLE_GROUPS" Read Delete
acl "$C" prefixed --group "$TOPIC_READER_GROUPS" Read Delete
acl "$C" literal --group '*' Describe
acl "$C" literal --cluster - Describe
