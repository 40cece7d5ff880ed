import path from 'node:path';
import {
  DEPLOY,
  isDirectory,
  isFile,
  list,
  obj,
  readYaml,
  readYamlDocs,
  type Doc,
} from './deploy-files';

export const K8S = path.join(DEPLOY, 'k8s');

/** What a kustomization tree holds: its resources' documents and what it generates. */
export interface KustomizeTree {
  readonly docs: Doc[];
  /** Every `resources` / generator file path, whether it exists, for the existence check. */
  readonly references: { readonly from: string; readonly path: string; readonly exists: boolean }[];
  /** configMapGenerator entries by name: literal key=values and file names. */
  readonly configMaps: Map<string, { literals: Map<string, string>; files: string[] }>;
  /** The root's `images` overrides by image name. */
  readonly images: Map<string, Doc>;
}

/** Reads `dir/kustomization.yaml` and, recursively, every resource it lists. */
export function readKustomization(dir: string = K8S, tree?: KustomizeTree): KustomizeTree {
  const result: KustomizeTree = tree ?? {
    docs: [],
    references: [],
    configMaps: new Map(),
    images: new Map(),
  };
  const file = path.join(dir, 'kustomization.yaml');
  const kustomization = readYaml(file);
  for (const image of list(kustomization.images))
    result.images.set(String(obj(image).name), obj(image));
  for (const resource of list(kustomization.resources).map(String)) {
    const target = path.join(dir, resource);
    if (isDirectory(target) && isFile(path.join(target, 'kustomization.yaml'))) {
      result.references.push({ from: file, path: target, exists: true });
      readKustomization(target, result);
    } else {
      result.references.push({ from: file, path: target, exists: isFile(target) });
      if (isFile(target)) result.docs.push(...readYamlDocs(target));
    }
  }
  for (const generator of list(kustomization.configMapGenerator).map(obj)) {
    const files = list(generator.files).map(String);
    for (const name of files) {
      const target = path.join(dir, name);
      result.references.push({ from: file, path: target, exists: isFile(target) });
    }
    const literals = new Map(
      list(generator.literals).map(
        (l) => String(l).split(/=(.*)/s).slice(0, 2) as [string, string],
      ),
    );
    result.configMaps.set(String(generator.name), { literals, files });
  }
  return result;
}

/** The documents of one kind. */
export function ofKind(tree: KustomizeTree, kind: string): Doc[] {
  return tree.docs.filter((doc) => doc.kind === kind);
}

export function nameOf(doc: Doc): string {
  return String(obj(doc.metadata).name);
}

/** The pod template spec of a workload (Deployment, StatefulSet, Job). */
export function podSpec(workload: Doc): Doc {
  return obj(obj(obj(workload.spec).template).spec);
}

export function containers(workload: Doc): Doc[] {
  return list(podSpec(workload).containers).map(obj);
}

/** A container's environment variable set by value (`env`), if any. */
export function envValue(container: Doc, name: string): string | undefined {
  const entry = list(container.env)
    .map(obj)
    .find((e) => e.name === name);
  return entry?.value === undefined ? undefined : String(entry.value);
}
