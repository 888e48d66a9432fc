import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { K8sObject } from './render-kustomization';

interface Model {
  prototype: { validate(): void };
}

/**
 * The schema of each kind deploy/kubernetes may contain: the Kubernetes OpenAPI schemas
 * (kubernetes-models) and KEDA's CRDs (@kubernetes-models/keda). A kind missing here is an error.
 */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

interface Visit {
  value: object;
  read: Set<string>;
  /** The validator listed the keys itself: a map (labels, data, trigger metadata), any key goes. */
  enumerated: boolean;
}

/**
 * What is wrong with an object against the schema of its kind: what the schema refuses, and every
 * field it does not define. The generated validators accept unknown fields (`readinesProbe` would
 * pass), so the object is handed to them behind proxies that record which fields they read: a
 * field never read is one the schema does not know.
 */
export function schemaProblems(object: K8sObject): string[] {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) return [`no schema for ${object.apiVersion} ${object.kind}: add its model to schema-validation.ts`];
  const visits = new Map<string, Visit>();
  const watch = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const visit = visits.get(path) ?? { value, read: new Set<string>(), enumerated: false };
    visits.set(path, visit);
    return new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return child;
        visit.read.add(key);
        return watch(child, `${path}/${key}`);
      },
      has(target, key) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  const problems: string[] = [];
  try {
    model.prototype.validate.call(watch(object, ''));
  } catch (error) {
    problems.push(String((error as Error).message));
  }
  for (const [path, visit] of visits) {
    if (Array.isArray(visit.value) || visit.enumerated) continue;
    for (const key of Object.keys(visit.value)) if (!visit.read.has(key)) problems.push(`${path}/${key}: not a field of ${object.kind}`);
  }
  return problems;
}
