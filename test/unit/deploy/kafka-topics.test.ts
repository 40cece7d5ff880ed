import { readFileSync } from 'node:fs';
import { loadShippedMemberCountries } from '../../../src/config';
import { countryTopic } from '../../../src/contract/topic-names';
import {
  plannedTopics,
  renderTopicsFile,
  resourceName,
  sharedEnv,
  TOPICS_FILE,
} from '../../../deploy/k8s/kafka/generate-topics';
import { obj } from './deploy-files';
import { k8sProcesses } from './workloads';
import { nameOf, ofKind, readKustomization } from './kustomize-tree';

const tree = readKustomization();
const declared = ofKind(tree, 'KafkaTopic').map((topic) => String(obj(topic.spec).topicName));

describe('deploy/k8s/kafka/topics.yaml (generated)', () => {
  it('is what generate-topics.ts writes now (run `npx tsx deploy/k8s/kafka/generate-topics.ts`)', () => {
    expect(readFileSync(TOPICS_FILE, 'utf8')).toBe(renderTopicsFile());
  });

  it('gives every member country of the shipped config its inbox', () => {
    const members = loadShippedMemberCountries().map((m) => m.code);
    expect(members.length).toBeGreaterThan(150);
    const missing = members.filter((cc) => !declared.includes(countryTopic(cc)));
    expect(missing).toEqual([]);
  });

  it('deploys every member country: no pod narrows the list the topics were made for', () => {
    // The generator reads the shared ConfigMap; a container's own INTELROUTE_MEMBER_COUNTRIES
    // would route to, or read, inboxes that do not exist.
    expect(sharedEnv().INTELROUTE_MEMBER_COUNTRIES).toBeUndefined();
    for (const deployed of k8sProcesses()) {
      expect([deployed.name, deployed.manifestEnv.INTELROUTE_MEMBER_COUNTRIES]).toEqual([
        deployed.name,
        undefined,
      ]);
    }
    const { memberCountries } = plannedTopics();
    expect([...memberCountries].sort()).toEqual(
      loadShippedMemberCountries()
        .map((m) => m.code)
        .sort(),
    );
  });

  it('names each resource after its topic, uniquely, as Kubernetes names allow', () => {
    const names = ofKind(tree, 'KafkaTopic').map(nameOf);
    expect(new Set(names).size).toBe(names.length);
    for (const topic of ofKind(tree, 'KafkaTopic')) {
      expect(nameOf(topic)).toBe(resourceName(String(obj(topic.spec).topicName)));
      expect(Object.keys(obj(topic.spec)).sort()).toEqual(
        ['config', 'partitions', 'replicas', 'topicName'].sort(),
      );
    }
    expect(() => resourceName('intel.v1.Bad_Name')).toThrow();
  });
});
