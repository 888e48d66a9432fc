import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * A renderer for the kustomize features deploy/kubernetes uses, so that the manifest test runs on
 * a machine without kubectl (a fresh Debian has no kustomize of its own; kubernetes-client 1.20's
 * is too old for `replacements`). Where kubectl is installed, the test checks that this renderer
 * and `kubectl kustomize` give the same objects.
 *
 * A kustomization field it does not know makes it throw rather than render something else than
 * kustomize would; so does a form of a known field it does not implement.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

export interface K8sObject extends JsonMap {
  apiVersion: string;
  kind: string;
  metadata: JsonMap & { name: string; namespace?: string };
}

interface Resource {
  object: K8sObject;
  /** Set on ConfigMaps of a configMapGenerator: the name gets a hash of the data at the end. */
  generated?: boolean;
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'images', 'replicas', 'configMapGenerator', 'patches', 'replacements']);
/** Kinds the namespace transformer leaves without a namespace (the ones deploy/kubernetes has). */
const CLUSTER_SCOPED_KINDS = new Set(['Namespace']);

/** The objects `kubectl kustomize <dir>` prints, in no particular order. */
export function renderKustomization(dir: string): K8sObject[] {
  const resources = build(dir, 'Kustomization');
  for (const r of resources) if (r.generated) nameWithHash(r, resources);
  return resources.map((r) => r.object);
}

function build(dir: string, expectedKind: 'Kustomization' | 'Component', accumulated: Resource[] = []): Resource[] {
  const kustomization = readKustomization(dir);
  const kind = (kustomization.kind as string | undefined) ?? 'Kustomization';
  if (kind !== expectedKind) throw new Error(`${dir}: expected a ${expectedKind}, found a ${kind}`);
  const unknown = Object.keys(kustomization).filter((f) => !SUPPORTED_FIELDS.has(f));
  if (unknown.length) throw new Error(`${dir}: the test's renderer does not implement ${unknown.join(', ')}`);

  let resources = accumulated;
  for (const entry of list(kustomization.resources)) {
    const path = join(dir, entry as string);
    resources = statSync(path).isDirectory() ? [...resources, ...build(path, 'Kustomization')] : [...resources, ...readObjects(path).map((object) => ({ object }))];
  }
  for (const entry of list(kustomization.components)) resources = build(join(dir, entry as string), 'Component', resources);
  for (const generator of list(kustomization.configMapGenerator)) resources = generateConfigMap(generator as JsonMap, resources, dir);
  for (const patch of list(kustomization.patches)) applyPatch(patch as JsonMap, resources, dir);
  if (typeof kustomization.namespace === 'string') setNamespace(kustomization.namespace, resources);
  for (const entry of list(kustomization.replicas)) setReplicas(entry as JsonMap, resources, dir);
  for (const entry of list(kustomization.images)) setImage(entry as JsonMap, resources);
  for (const replacement of list(kustomization.replacements)) replace(replacement as JsonMap, resources, dir);
  return resources;
}

function readKustomization(dir: string): JsonMap {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  return parse(readFileSync(file, 'utf8')) as JsonMap;
}

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function list(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`expected a list, found ${JSON.stringify(value)}`);
  return value;
}

function generateConfigMap(generator: JsonMap, resources: Resource[], dir: string): Resource[] {
  const unknown = Object.keys(generator).filter((f) => !['name', 'behavior', 'literals'].includes(f));
  if (unknown.length) throw new Error(`${dir}: configMapGenerator ${generator.name}: the test's renderer does not implement ${unknown.join(', ')}`);
  const data: JsonMap = {};
  for (const literal of list(generator.literals) as string[]) {
    const at = literal.indexOf('=');
    const value = literal.slice(at + 1);
    // kustomize strips quotes around a literal's value; none of ours has them.
    if (at < 1 || /^["']/.test(value)) throw new Error(`${dir}: configMapGenerator literal the test's renderer cannot read: ${literal}`);
    data[literal.slice(0, at)] = value;
  }
  const name = generator.name as string;
  const existing = resources.find((r) => r.generated && r.object.metadata.name === name);
  switch (generator.behavior ?? 'create') {
    case 'create':
      if (existing) throw new Error(`${dir}: ConfigMap ${name} is generated twice (use behavior: merge)`);
      return [...resources, { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }, generated: true }];
    case 'merge':
      if (!existing) throw new Error(`${dir}: ConfigMap ${name} to merge into does not exist`);
      existing.object.data = { ...(existing.object.data as JsonMap), ...data };
      return resources;
    default:
      throw new Error(`${dir}: configMapGenerator behavior ${generator.behavior} is not implemented by the test's renderer`);
  }
}

/** JSON patches (RFC 6902) on the targets a patch selects; no strategic merge. */
function applyPatch(patch: JsonMap, resources: Resource[], dir: string): void {
  const target = patch.target as JsonMap | undefined;
  if (!target || typeof patch.path !== 'string' || Object.keys(patch).some((f) => !['target', 'path'].includes(f))) {
    throw new Error(`${dir}: the test's renderer applies only patches with a target and a path`);
  }
  const operations = parse(readFileSync(join(dir, patch.path), 'utf8')) as Json;
  if (!Array.isArray(operations)) throw new Error(`${dir}/${patch.path}: the test's renderer applies JSON patches only, not strategic merge`);
  const targets = resources.filter((r) => matches(r.object, target));
  if (!targets.length) throw new Error(`${dir}: patch ${patch.path} selects nothing`);
  for (const { object } of targets) for (const op of operations as JsonMap[]) applyOperation(object, op);
}

function matches(object: K8sObject, selector: JsonMap): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return (
    (selector.group === undefined || selector.group === group) &&
    (selector.version === undefined || selector.version === version) &&
    (selector.kind === undefined || selector.kind === object.kind) &&
    (selector.name === undefined || selector.name === object.metadata.name)
  );
}

function applyOperation(object: K8sObject, op: JsonMap): void {
  const tokens = (op.path as string)
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = tokens.pop()!;
  let parent: Json = object;
  for (const token of tokens) parent = (parent as JsonMap)[token];
  if (parent === undefined || parent === null || typeof parent !== 'object' || Array.isArray(parent)) {
    throw new Error(`JSON patch ${op.op} ${op.path}: the test's renderer patches fields of existing objects only`);
  }
  switch (op.op) {
    case 'add':
    case 'replace':
      parent[key] = op.value;
      return;
    case 'remove':
      delete parent[key];
      return;
    default:
      throw new Error(`JSON patch op ${op.op} is not implemented by the test's renderer`);
  }
}

function setNamespace(namespace: string, resources: Resource[]): void {
  for (const { object } of resources) {
    if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = namespace;
    else if (object.kind === 'Namespace' && object.metadata.name !== namespace) throw new Error(`the test's renderer does not rename Namespace ${object.metadata.name}`);
  }
}

function setReplicas(entry: JsonMap, resources: Resource[], dir: string): void {
  const target = resources.find((r) => r.object.kind === 'Deployment' && r.object.metadata.name === entry.name);
  if (!target) throw new Error(`${dir}: replicas for ${entry.name}, which is not a Deployment here`);
  (target.object.spec as JsonMap).replicas = entry.count as number;
}

function setImage(entry: JsonMap, resources: Resource[]): void {
  for (const container of podContainers(resources)) {
    const image = container.image as string;
    const name = image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
    if (name !== entry.name) continue;
    const tag = entry.digest ? `@${entry.digest}` : entry.newTag ? `:${entry.newTag}` : image.slice(name.length);
    container.image = `${(entry.newName as string | undefined) ?? name}${tag}`;
  }
}

/** The pod specs of Deployments and Jobs, the only workloads deploy/kubernetes has. */
function podSpecs(resources: Resource[]): JsonMap[] {
  return resources.filter((r) => r.object.kind === 'Deployment' || r.object.kind === 'Job').map((r) => ((r.object.spec as JsonMap).template as JsonMap).spec as JsonMap);
}

function podContainers(resources: Resource[]): JsonMap[] {
  return podSpecs(resources).flatMap((spec) => [...list(spec.initContainers), ...list(spec.containers)] as JsonMap[]);
}

/** `replacements` with a source field and target field paths, `*` standing for every list item. */
function replace(replacement: JsonMap, resources: Resource[], dir: string): void {
  const source = replacement.source as JsonMap;
  const from = resources.find((r) => matches(r.object, source));
  const [value] = from ? nodesAt(from.object, source.fieldPath as string) : [];
  if (value === undefined) throw new Error(`${dir}: replacement source ${source.kind}/${source.name} ${source.fieldPath} not found`);
  for (const target of list(replacement.targets) as JsonMap[]) {
    for (const { object } of resources.filter((r) => matches(r.object, target.select as JsonMap))) {
      for (const path of list(target.fieldPaths) as string[]) {
        const at = path.lastIndexOf('.');
        const field = path.slice(at + 1);
        for (const parent of nodesAt(object, path.slice(0, at)) as JsonMap[]) {
          if (parent[field] === undefined) throw new Error(`${dir}: replacement target ${object.kind}/${object.metadata.name} has no ${path}`);
          parent[field] = value;
        }
      }
    }
  }
}

function nodesAt(root: Json, path: string): Json[] {
  return path.split('.').reduce<Json[]>((nodes, part) => nodes.flatMap((node) => childrenAt(node, part)), [root]);
}

function childrenAt(node: Json, part: string): Json[] {
  if (part === '*') return Array.isArray(node) ? node : [];
  if (node === null || typeof node !== 'object' || Array.isArray(node) || node[part] === undefined) return [];
  return [node[part]];
}

/**
 * kustomize's name suffix: the first 10 hex digits of the SHA-256 of the ConfigMap as Go's
 * encoding/json writes {data, kind, name} (name empty at that point), a few digits swapped for
 * letters so that the suffix never reads as a number; then every reference is renamed.
 */
function nameWithHash(resource: Resource, resources: Resource[]): void {
  const { object } = resource;
  const data = object.data as JsonMap;
  const sorted = Object.fromEntries(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  const hash = [...createHash('sha256').update(json).digest('hex').slice(0, 10)].map((c) => swap[c] ?? c).join('');
  const original = object.metadata.name;
  const renamed = `${original}-${hash}`;
  object.metadata.name = renamed;
  for (const spec of podSpecs(resources)) {
    for (const volume of list(spec.volumes) as JsonMap[]) if ((volume.configMap as JsonMap | undefined)?.name === original) (volume.configMap as JsonMap).name = renamed;
    for (const container of [...list(spec.initContainers), ...list(spec.containers)] as JsonMap[]) {
      for (const from of list(container.envFrom) as JsonMap[]) if ((from.configMapRef as JsonMap | undefined)?.name === original) (from.configMapRef as JsonMap).name = renamed;
      for (const env of list(container.env) as JsonMap[]) {
        const ref = (env.valueFrom as JsonMap | undefined)?.configMapKeyRef as JsonMap | undefined;
        if (ref?.name === original) ref.name = renamed;
      }
    }
  }
}
