import type { TopicSpec } from './topic-plan';

/** A topic as it exists in the cluster (configs: the values of the keys we manage). */
export interface ExistingTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface ConfigChange {
  readonly key: string;
  readonly from: string | undefined;
  readonly to: string;
}

export type TopicChange =
  | { readonly kind: 'create'; readonly spec: TopicSpec }
  | {
      readonly kind: 'add-partitions';
      readonly name: string;
      readonly from: number;
      readonly to: number;
    }
  | { readonly kind: 'alter-configs'; readonly name: string; readonly changes: ConfigChange[] }
  /** Something apply cannot change (fewer partitions, another replication factor). */
  | { readonly kind: 'conflict'; readonly name: string; readonly problem: string };

export interface TopicDiff {
  readonly changes: readonly TopicChange[];
  readonly upToDate: readonly string[];
}

/**
 * Compares the wanted topics with the cluster's. Pure: the caller fetched `existing`.
 * Kafka cannot shrink a topic or change its replication factor in place, so those are reported
 * as conflicts for an operator (partition reassignment), never attempted.
 */
export function diffTopics(
  wanted: readonly TopicSpec[],
  existing: ReadonlyMap<string, ExistingTopic>,
): TopicDiff {
  const changes: TopicChange[] = [];
  const upToDate: string[] = [];
  for (const spec of wanted) {
    const current = existing.get(spec.name);
    if (current === undefined) {
      changes.push({ kind: 'create', spec });
      continue;
    }
    const before = changes.length;
    changes.push(...diffOne(spec, current));
    if (changes.length === before) upToDate.push(spec.name);
  }
  return { changes, upToDate };
}

function diffOne(spec: TopicSpec, current: ExistingTopic): TopicChange[] {
  const changes: TopicChange[] = [];
  if (current.partitions < spec.partitions && spec.fixedPartitions === true) {
    changes.push({
      kind: 'conflict',
      name: spec.name,
      problem: `has ${current.partitions} partitions, configuration says ${spec.partitions}; its keys must stay in their partition, so partitions are never added`,
    });
  } else if (current.partitions < spec.partitions) {
    changes.push({
      kind: 'add-partitions',
      name: spec.name,
      from: current.partitions,
      to: spec.partitions,
    });
  } else if (current.partitions > spec.partitions) {
    changes.push({
      kind: 'conflict',
      name: spec.name,
      problem: `has ${current.partitions} partitions, configuration says ${spec.partitions}; Kafka cannot remove partitions`,
    });
  }
  if (current.replicationFactor !== spec.replicationFactor) {
    changes.push({
      kind: 'conflict',
      name: spec.name,
      problem: `replication factor is ${current.replicationFactor}, configuration says ${spec.replicationFactor}; change it with a partition reassignment`,
    });
  }
  const configChanges = Object.entries(spec.configs)
    .filter(([key, value]) => current.configs[key] !== value)
    .map(([key, value]) => ({ key, from: current.configs[key], to: value }));
  if (configChanges.length > 0) {
    changes.push({ kind: 'alter-configs', name: spec.name, changes: configChanges });
  }
  return changes;
}

/** One line per change, for `intelroute topics plan|apply`. */
export function describeChange(change: TopicChange): string {
  switch (change.kind) {
    case 'create': {
      const { spec } = change;
      const configs = Object.entries(spec.configs)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ');
      return `+ create ${spec.name} (partitions ${spec.partitions}, replication ${spec.replicationFactor}; ${configs})`;
    }
    case 'add-partitions':
      return `~ ${change.name}: partitions ${change.from} -> ${change.to}`;
    case 'alter-configs':
      return `~ ${change.name}: ${change.changes
        .map((c) => `${c.key} ${c.from ?? '(default)'} -> ${c.to}`)
        .join(', ')}`;
    case 'conflict':
      return `! ${change.name}: ${change.problem}`;
  }
}
