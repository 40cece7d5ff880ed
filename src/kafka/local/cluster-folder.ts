import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntelrouteError } from '../../core/errors';

/** What a kept cluster folder remembers of its cluster, so a restart finds it as it was. */
export interface SavedCluster {
  readonly clusterId: string;
  readonly nodes: number;
  /** Per node, in node order: the broker, controller and extra listener ports. */
  readonly ports: readonly (readonly number[])[];
}

/** Where a local cluster keeps its nodes' data and logs. */
export interface ClusterFolder {
  readonly rootDir: string;
  /** True when the data outlives the cluster (`dataDir` given); false: a temp folder. */
  readonly kept: boolean;
  /** The cluster found in a kept folder, if it was started there before. */
  readonly saved: SavedCluster | undefined;
}

const SAVED_FILE = 'cluster.json';

/**
 * The folder of a local cluster: `dataDir` (created if needed) when given, so messages, the
 * audit trail and the idempotency memory survive a restart; else a fresh temp folder.
 * @throws IntelrouteError KAFKA_START_FAILED when the kept cluster has another number of nodes,
 *   or its record is unreadable.
 */
export function clusterFolder(dataDir: string | null | undefined, nodes: number): ClusterFolder {
  if (dataDir === null || dataDir === undefined) {
    const rootDir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-kafka-'));
    return { rootDir, kept: false, saved: undefined };
  }
  mkdirSync(dataDir, { recursive: true });
  const saved = readSaved(dataDir);
  if (saved !== undefined && saved.nodes !== nodes) {
    throw new IntelrouteError(
      'KAFKA_START_FAILED',
      `${dataDir} holds a local Kafka cluster of ${saved.nodes} node(s), not ${nodes}: start it with ${saved.nodes}, ` +
        'use another data folder, or run a throwaway one (--ephemeral)',
    );
  }
  return { rootDir: dataDir, kept: true, saved };
}

/** Records the cluster in a kept folder (after its storage was formatted). */
export function saveCluster(folder: ClusterFolder, cluster: SavedCluster): void {
  if (!folder.kept) return;
  writeFileSync(path.join(folder.rootDir, SAVED_FILE), `${JSON.stringify(cluster, null, 2)}\n`);
}

function readSaved(dataDir: string): SavedCluster | undefined {
  const file = path.join(dataDir, SAVED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedCluster>;
    const { clusterId, nodes, ports } = parsed;
    if (typeof clusterId !== 'string' || typeof nodes !== 'number' || !Array.isArray(ports)) {
      throw new Error('missing fields');
    }
    return { clusterId, nodes, ports };
  } catch (cause) {
    throw new IntelrouteError('KAFKA_START_FAILED', `${file} is not a local cluster record`, {
      cause,
    });
  }
}
