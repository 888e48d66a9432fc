import 'reflect-metadata';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PATH_METADATA } from '@nestjs/common/constants';
import { NOTICE_CHANNEL, TOPICS, allTopics, expanderGroup, jobsTopic, noticeGroup, senderGroup } from '@bin-alert/contracts';
import { CHANNELS, Channel, URGENCIES, Urgency } from '@bin-alert/domain';
import { AppConfig, HealthController, configSchema, loadConfig } from '@bin-alert/platform';
import { Json, JsonMap, K8sObject, renderKustomization } from './render-kustomization';
import { schemaProblems } from './schema-validation';

/**
 * The Kubernetes manifests (issue 12, item 6), rendered as kustomize renders them: every object
 * valid against the Kubernetes and KEDA schemas, every setting one of the config schema, every
 * consumer group and topic KEDA watches one the dispatchers consume (libs/contracts).
 *
 * Not covered: what a cluster decides at apply time (admission, quotas, the Pod Security
 * admission of the namespace label), KEDA's reading of trigger metadata values beyond the
 * documented parameter names, and whether the image runs the commands named here.
 */

const REPO = join(__dirname, '..', '..');
const KUBERNETES = __dirname;

/** The apps on Kubernetes and the setting each listens on. provider-sim is for tests and demos. */
const APP_PORT_SETTING: Record<string, keyof AppConfig> = {
  intake: 'INTAKE_PORT',
  'dispatcher-sms': 'DISPATCHER_SMS_PORT',
  'dispatcher-email': 'DISPATCHER_EMAIL_PORT',
  'dispatcher-voice': 'DISPATCHER_VOICE_PORT',
  tracker: 'TRACKER_PORT',
};

/** Settings that are credentials: only ever from the Secret, never in a ConfigMap. */
const SECRET_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'AUTH_TOKEN_SECRET', 'LINK_SIGNING_SECRET', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY'];
const SECRET_NAME = 'bin-alert-secrets';

/** Settings the manifests set before the config schema has them (none now; HOST came with issue 12, item 1). */
const PENDING_SETTINGS = new Set<string>();

/** DRAIN_DEADLINE_SECONDS's default: terminationGracePeriodSeconds must cover the preStop sleep and this. */
const DRAIN_DEADLINE_SECONDS = configSchema.shape.DRAIN_DEADLINE_SECONDS.parse(undefined);

/** The Kafka scaler's parameters and those of its TriggerAuthentication, as KEDA 2.x documents them. */
const KAFKA_TRIGGER_PARAMETERS = new Set([
  'bootstrapServers',
  'consumerGroup',
  'topic',
  'lagThreshold',
  'activationLagThreshold',
  'offsetResetPolicy',
  'allowIdleConsumers',
  'scaleToZeroOnInvalidOffset',
  'excludePersistentLag',
  'limitToPartitionsWithLag',
  'version',
  'partitionLimitation',
  'sasl',
  'saslTokenProvider',
  'tls',
  'unsafeSsl',
  'awsRegion',
]);
const KAFKA_AUTH_PARAMETERS = new Set([
  'sasl',
  'saslTokenProvider',
  'username',
  'password',
  'keytab',
  'realm',
  'kerberosConfig',
  'kerberosServiceName',
  'kerberosDisableFAST',
  'oauthTokenEndpointUri',
  'scopes',
  'oauthExtensions',
  'tls',
  'ca',
  'cert',
  'key',
  'keyPassword',
  'awsRoleArn',
  'awsAccessKeyID',
  'awsSecretAccessKey',
]);

interface ConsumedTopic {
  role: 'sender' | 'expander' | 'notices';
  lane?: Urgency;
  group: string;
  topic: string;
}

/**
 * What a channel's dispatcher consumes, as libs/dispatch wires it: per lane a sender on the lane's
 * jobs and an expander on the alerts; member notices on the channels that send some.
 */
function consumedBy(channel: Channel): ConsumedTopic[] {
  const noticeChannels = new Set<string>(Object.values(NOTICE_CHANNEL));
  return [
    ...URGENCIES.map((lane) => ({ role: 'sender' as const, lane, group: senderGroup(channel, lane), topic: jobsTopic(channel, lane) })),
    ...URGENCIES.map((lane) => ({ role: 'expander' as const, lane, group: expanderGroup(channel, lane), topic: TOPICS.alerts })),
    ...(noticeChannels.has(channel) ? [{ role: 'notices' as const, group: noticeGroup(channel), topic: TOPICS.memberNotices }] : []),
  ];
}

/** Partition counts as the apps create the topics (fixed in libs/contracts today). */
const PARTITIONS = new Map(allTopics().map((t) => [t.name, t.partitions]));

const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function kubectlKustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

// ---- reading the rendered objects ----

const of = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const spec = (o: K8sObject) => o.spec as JsonMap;
const podSpec = (workload: K8sObject) => (spec(workload).template as JsonMap).spec as JsonMap;
const podLabels = (workload: K8sObject) => ((spec(workload).template as JsonMap).metadata as JsonMap).labels as JsonMap;
const containersOf = (workload: K8sObject) => podSpec(workload).containers as JsonMap[];
const workloads = (objects: K8sObject[]) => [...of(objects, 'Deployment'), ...of(objects, 'Job')];
const selects = (selector: JsonMap, labels: JsonMap) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function configMapData(objects: K8sObject[], name: string): JsonMap {
  const found = of(objects, 'ConfigMap').find((c) => c.metadata.name === name);
  if (!found) throw new Error(`ConfigMap ${name} is referenced but not rendered`);
  return found.data as JsonMap;
}

interface EnvironmentVariable {
  name: string;
  from: 'configMap' | 'secret' | 'value' | 'other';
  ref?: JsonMap;
}

/** Every environment variable a container gets, with where it comes from. */
function environment(objects: K8sObject[], container: JsonMap): EnvironmentVariable[] {
  const fromConfigMaps = ((container.envFrom ?? []) as JsonMap[]).flatMap((source): EnvironmentVariable[] => {
    if (!source.configMapRef) return [{ name: `envFrom ${JSON.stringify(source)}`, from: 'other' }];
    return Object.keys(configMapData(objects, (source.configMapRef as JsonMap).name as string)).map((name) => ({ name, from: 'configMap' }));
  });
  const direct = ((container.env ?? []) as JsonMap[]).map((env): EnvironmentVariable => {
    const secret = (env.valueFrom as JsonMap | undefined)?.secretKeyRef as JsonMap | undefined;
    if (secret) return { name: env.name as string, from: 'secret', ref: secret };
    return { name: env.name as string, from: env.value !== undefined ? 'value' : 'other' };
  });
  return [...fromConfigMaps, ...direct];
}

/** The configuration every app loads: the one ConfigMap, and stand-ins for the Secret. */
function appConfig(objects: K8sObject[]): AppConfig {
  const [configMap] = of(objects, 'ConfigMap');
  const secrets = { DATABASE_URL: 'postgres://bin_alert:secret@postgres:5432/bin_alert', REDIS_URL: 'redis://redis:6379', AUTH_TOKEN_SECRET: 'k'.repeat(48) };
  return loadConfig({ ...(configMap.data as Record<string, string>), ...secrets });
}

function quantity(value: Json): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`quantity ${value} is not one the test reads`);
  const unit = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] as 'm' | 'Ki' | 'Mi' | 'Gi'] ?? 1;
  return Number(match[1]) * unit;
}

/** The options deploy/node-options.sh gives an app. */
function nodeOptionsOf(app: string): string[] {
  return execFileSync('sh', [join(REPO, 'deploy', 'node-options.sh'), app], { encoding: 'utf8' })
    .split(/\s+/)
    .filter(Boolean);
}

/** What the image's entry point runs for these arguments: its command line, with a `node` that only prints it. */
function imageStarts(args: string[]): string[] {
  const bin = mkdtempSync(join(tmpdir(), 'bin-alert-node-'));
  try {
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "%s\\n" node "$@"\n', { mode: 0o755 });
    const out = execFileSync('sh', [join(REPO, 'deploy', 'docker', 'app-entrypoint.sh'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    return out.split('\n').filter(Boolean);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

function healthPath(method: 'live' | 'ready'): string {
  const controller = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const route = Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string;
  return `/${controller}/${route}`;
}

function scaledObjectOf(objects: K8sObject[], deployment: string): K8sObject[] {
  return of(objects, 'ScaledObject').filter((s) => (spec(s).scaleTargetRef as JsonMap).name === deployment);
}

const triggersOf = (scaledObject: K8sObject) => spec(scaledObject).triggers as JsonMap[];
const triggerMetadata = (trigger: JsonMap) => trigger.metadata as Record<string, string>;

// ---- the variants ----

let componentDir: string;

beforeAll(() => {
  // An installation with the SASL/TLS component, as an overlay would add it.
  componentDir = mkdtempSync(join(tmpdir(), 'bin-alert-kustomize-'));
  const up = relative(componentDir, KUBERNETES);
  writeFileSync(
    join(componentDir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${up}/overlays/example\ncomponents:\n  - ${up}/components/kafka-sasl-tls\n`,
  );
});

afterAll(() => rmSync(componentDir, { recursive: true, force: true }));

const VARIANTS: [string, () => string][] = [
  ['base', () => join(KUBERNETES, 'base')],
  ['overlays/example', () => join(KUBERNETES, 'overlays', 'example')],
  ['overlays/example with components/kafka-sasl-tls', () => componentDir],
];

describe.each(VARIANTS)('deploy/kubernetes %s', (variant, dirOf) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderKustomization(dirOf());
  });

  (kubectlAvailable ? it : it.skip)('renders the objects kubectl kustomize renders (skipped where kubectl is not installed)', () => {
    const byId = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    expect(byId(objects)).toEqual(byId(kubectlKustomize(dirOf())));
  });

  it('holds only objects valid against the Kubernetes or KEDA schema of their kind, with no field the schema does not define', () => {
    const problems = objects.flatMap((o) => schemaProblems(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set(['ConfigMap', 'Service', 'Deployment', 'Job', 'PodDisruptionBudget', 'ScaledObject', 'TriggerAuthentication', ...(variant === 'base' ? [] : ['Namespace'])]),
    );
  });

  it('gives the apps only settings of the config schema, credentials from the Secret alone', () => {
    const schemaSettings = new Set(Object.keys(configSchema.shape));
    for (const name of SECRET_SETTINGS) expect(schemaSettings).toContain(name);
    const problems: string[] = [];
    for (const workload of workloads(objects)) {
      for (const container of containersOf(workload)) {
        const env = environment(objects, container);
        for (const { name, from, ref } of env) {
          const where = `${workload.metadata.name}: ${name}`;
          if (!schemaSettings.has(name) && !PENDING_SETTINGS.has(name)) problems.push(`${where} is not a setting of libs/platform/src/config/app-config.ts`);
          if (from === 'other') problems.push(`${where} comes from neither the ConfigMap nor the Secret`);
          if (SECRET_SETTINGS.includes(name) !== (from === 'secret')) problems.push(`${where} from ${from}: credentials come from the Secret, and only they`);
          if (ref && (ref.name !== SECRET_NAME || ref.key !== name)) problems.push(`${where} reads ${ref.name}/${ref.key}, not ${SECRET_NAME}/${name}`);
        }
        const names = env.map((e) => e.name);
        for (const twice of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`${workload.metadata.name}: ${twice} is set twice`);
      }
    }
    expect(problems).toEqual([]);
    expect(of(objects, 'Secret')).toEqual([]);
  });

  it('has a ConfigMap the apps load without error, given a Secret', () => {
    expect(of(objects, 'ConfigMap')).toHaveLength(1);
    expect(() => appConfig(objects)).not.toThrow();
    expect(appConfig(objects)).toMatchObject({ NODE_ENV: 'production', BIN_ALERT_MODE: 'distributed' });
  });

  it('lists in secrets.env.example exactly the Secret keys the manifests read', () => {
    const example = readFileSync(join(KUBERNETES, 'overlays', 'example', 'secrets.env.example'), 'utf8');
    const keys = example
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    const read = workloads(objects).flatMap((w) =>
      containersOf(w).flatMap((c) =>
        environment(objects, c)
          .filter((e) => e.from === 'secret')
          .map((e) => e.name),
      ),
    );
    expect(new Set(keys)).toEqual(new Set(read));
    expect(new Set(keys)).toEqual(new Set(SECRET_SETTINGS));
  });

  it('runs each app on the port its setting says, behind a Service, with a PodDisruptionBudget that always leaves a pod', () => {
    const config = appConfig(objects);
    expect(new Set(of(objects, 'Deployment').map((d) => d.metadata.name))).toEqual(new Set(Object.keys(APP_PORT_SETTING)));
    for (const deployment of of(objects, 'Deployment')) {
      const name = deployment.metadata.name;
      const [container] = containersOf(deployment);
      expect({ name, ports: container.ports }).toEqual({
        name,
        ports: [
          { name: 'http', containerPort: config[APP_PORT_SETTING[name]] },
          { name: 'ops', containerPort: config.OPS_PORT },
        ],
      });
      // Prometheus scrapes the ops port: the app's port answers 404 for /metrics in production.
      const annotations = ((spec(deployment).template as JsonMap).metadata as JsonMap).annotations as JsonMap;
      expect({ name, scrapes: annotations['prometheus.io/port'] }).toEqual({ name, scrapes: String(config.OPS_PORT) });

      const services = of(objects, 'Service').filter((s) => selects(spec(s).selector as JsonMap, podLabels(deployment)));
      expect({ name, services: services.map((s) => spec(s).ports) }).toEqual({ name, services: [[{ name: 'http', port: config[APP_PORT_SETTING[name]], targetPort: 'http' }]] });

      const budgets = of(objects, 'PodDisruptionBudget').filter((p) => selects((spec(p).selector as JsonMap).matchLabels as JsonMap, podLabels(deployment)));
      expect({ name, budgets: budgets.length }).toEqual({ name, budgets: 1 });
      const [scaledObject] = scaledObjectOf(objects, name);
      const fewest = scaledObject ? (spec(scaledObject).minReplicaCount as number) : (spec(deployment).replicas as number);
      expect({ name, podLeftDuringADrain: fewest - (spec(budgets[0]).maxUnavailable as number) >= 1 }).toEqual({ name, podLeftDuringADrain: true });
    }
  });

  it('probes the health routes on the ops port (the app port answers 404 for them in production), drains before SIGTERM, and gives every container requests and limits', () => {
    for (const deployment of of(objects, 'Deployment')) {
      const pod = podSpec(deployment);
      const [container] = containersOf(deployment);
      const httpGet = (probe: string) => ({ path: ((container[probe] as JsonMap).httpGet as JsonMap).path, port: ((container[probe] as JsonMap).httpGet as JsonMap).port });
      expect({ name: deployment.metadata.name, startup: httpGet('startupProbe'), liveness: httpGet('livenessProbe'), readiness: httpGet('readinessProbe') }).toEqual({
        name: deployment.metadata.name,
        startup: { path: healthPath('live'), port: 'ops' },
        liveness: { path: healthPath('live'), port: 'ops' },
        readiness: { path: healthPath('ready'), port: 'ops' },
      });
      // Readiness checks PostgreSQL, Redis and Kafka, each given 2.5 s (health.controller.ts).
      expect((container.readinessProbe as JsonMap).timeoutSeconds).toBeGreaterThanOrEqual(3);
      const preStop = (((container.lifecycle as JsonMap).preStop as JsonMap).sleep as JsonMap).seconds as number;
      expect(preStop).toBeGreaterThanOrEqual(5);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + DRAIN_DEADLINE_SECONDS);
    }
    for (const workload of workloads(objects)) {
      for (const container of containersOf(workload)) {
        const { requests, limits } = container.resources as { requests: JsonMap; limits: JsonMap };
        for (const resource of ['cpu', 'memory']) {
          expect({ workload: workload.metadata.name, resource, requestWithinLimit: quantity(requests[resource]) <= quantity(limits[resource]) }).toEqual({
            workload: workload.metadata.name,
            resource,
            requestWithinLimit: true,
          });
        }
      }
    }
  });

  it('runs every pod non-root, read-only, unprivileged, without service links or an API token', () => {
    for (const workload of workloads(objects)) {
      const pod = podSpec(workload);
      expect({
        name: workload.metadata.name,
        pod: pod.securityContext,
        enableServiceLinks: pod.enableServiceLinks,
        automountServiceAccountToken: pod.automountServiceAccountToken,
      }).toMatchObject({
        name: workload.metadata.name,
        pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        enableServiceLinks: false,
        automountServiceAccountToken: false,
      });
      for (const container of containersOf(workload)) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
      for (const volume of (pod.volumes ?? []) as JsonMap[]) expect(Object.keys(volume).sort()).toEqual(['emptyDir', 'name']);
    }
  });

  it("runs the one image through its entry point, each workload an app whose source exists, with the app's node options (ADR 0048)", () => {
    const images = new Set(workloads(objects).flatMap((w) => containersOf(w).map((c) => c.image)));
    expect(images.size).toBe(1);
    const entries = new Set<string>();
    for (const workload of workloads(objects)) {
      for (const container of containersOf(workload)) {
        expect({ container: container.name, command: container.command }).toEqual({ container: container.name, command: undefined });
        const args = container.args as string[];
        const [node, ...argv] = imageStarts(args);
        const entry = argv.pop()!;
        const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        expect({ args, node, entry, sourceExists: existsSync(join(REPO, source)), options: argv }).toEqual({
          args,
          node: 'node',
          entry,
          sourceExists: true,
          options: nodeOptionsOf(args[0]),
        });
        entries.add(entry);
      }
    }
    for (const app of Object.keys(APP_PORT_SETTING)) expect(entries).toContain(`dist/apps/${app}/src/main.js`);
    expect(entries).toContain('dist/libs/persistence/src/cli/migrate.js');
  });

  it("caps each app's old space well under its container's memory limit (new space and ~70 MB outside the heap fit in between)", () => {
    for (const app of Object.keys(APP_PORT_SETTING)) {
      const [container] = containersOf(of(objects, 'Deployment').find((d) => d.metadata.name === app)!);
      const options = nodeOptionsOf(app).join(' ');
      const capMiB = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
      // New space: up to three semi-spaces (two and V8's new large-object room), 16 MiB each by default.
      const newSpaceMiB = 3 * Number(/--max-semi-space-size=(\d+)/.exec(options)?.[1] ?? 16);
      const limitMiB = quantity((container.resources as { limits: JsonMap }).limits.memory) / 2 ** 20;
      expect({ app, capMiB, fits: capMiB + newSpaceMiB + 70 <= limitMiB }).toEqual({ app, capMiB, fits: true });
    }
  });

  it('scales each dispatcher with Kafka triggers on exactly the consumer groups and topics it consumes (libs/contracts)', () => {
    for (const channel of CHANNELS) {
      const deployment = `dispatcher-${channel}`;
      const scaledObjects = scaledObjectOf(objects, deployment);
      expect({ deployment, scaledObjects: scaledObjects.length }).toEqual({ deployment, scaledObjects: 1 });
      const [scaledObject] = scaledObjects;
      expect(spec(scaledObject).scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment });
      expect(spec(of(objects, 'Deployment').find((d) => d.metadata.name === deployment)!).replicas).toBeUndefined();
      const watched = triggersOf(scaledObject).map((t) => ({ type: t.type, group: triggerMetadata(t).consumerGroup, topic: triggerMetadata(t).topic }));
      const expected = consumedBy(channel).map(({ group, topic }) => ({ type: 'kafka', group, topic }));
      expect(new Set(watched.map((w) => JSON.stringify(w)))).toEqual(new Set(expected.map((e) => JSON.stringify(e))));
      expect(watched).toHaveLength(expected.length);
      for (const { topic } of watched) expect(PARTITIONS.has(topic)).toBe(true);
    }
    const scaled = of(objects, 'ScaledObject').map((s) => (spec(s).scaleTargetRef as JsonMap).name);
    expect(new Set(scaled)).toEqual(new Set(CHANNELS.map((c) => `dispatcher-${c}`)));
  });

  it('keeps a replica always (urgent lanes never wait for a cold start) and no more than the partitions can use', () => {
    for (const scaledObject of of(objects, 'ScaledObject')) {
      const { minReplicaCount, maxReplicaCount } = spec(scaledObject) as { minReplicaCount: number; maxReplicaCount: number };
      const partitions = Math.max(...triggersOf(scaledObject).map((t) => PARTITIONS.get(triggerMetadata(t).topic)!));
      const name = scaledObject.metadata.name;
      expect({ name, minReplicaCount, maxReplicaCount, partitions, ok: minReplicaCount >= 1 && minReplicaCount <= maxReplicaCount && maxReplicaCount <= partitions }).toEqual({
        name,
        minReplicaCount,
        maxReplicaCount,
        partitions,
        ok: true,
      });
      for (const trigger of triggersOf(scaledObject)) expect(triggerMetadata(trigger).allowIdleConsumers ?? 'false').toBe('false');
    }
  });

  it('scales an urgent lane at a lower lag than the normal lane of the same consumer', () => {
    for (const channel of CHANNELS) {
      const [scaledObject] = scaledObjectOf(objects, `dispatcher-${channel}`);
      const threshold = (group: string) => {
        const trigger = triggersOf(scaledObject).find((t) => triggerMetadata(t).consumerGroup === group)!;
        return Number(triggerMetadata(trigger).lagThreshold);
      };
      for (const role of ['sender', 'expander'] as const) {
        const lanes = Object.fromEntries(
          consumedBy(channel)
            .filter((c) => c.role === role)
            .map((c) => [c.lane, threshold(c.group)]),
        );
        expect({ channel, role, urgentBelowNormal: lanes.urgent >= 1 && lanes.urgent < lanes.normal }).toEqual({ channel, role, urgentBelowNormal: true });
      }
    }
  });

  it("reads the lag from the apps' brokers, the way the consumers start, with documented KEDA parameters only", () => {
    const brokers = appConfig(objects).KAFKA_BROKERS.join(',');
    const authentications = new Map(of(objects, 'TriggerAuthentication').map((t) => [t.metadata.name, t]));
    for (const scaledObject of of(objects, 'ScaledObject')) {
      for (const trigger of triggersOf(scaledObject)) {
        const metadata = triggerMetadata(trigger);
        expect(Object.keys(metadata).filter((k) => !KAFKA_TRIGGER_PARAMETERS.has(k))).toEqual([]);
        expect(metadata.bootstrapServers).toBe(brokers);
        // The consumers subscribe from the beginning (kafka-message-bus.ts): a new group's lag is the whole topic.
        expect(metadata.offsetResetPolicy).toBe('earliest');
        expect(Number.isInteger(Number(metadata.lagThreshold))).toBe(true);
        expect(authentications.has((trigger.authenticationRef as JsonMap).name as string)).toBe(true);
      }
    }
    for (const authentication of authentications.values()) {
      const parameters = ((spec(authentication).secretTargetRef ?? []) as JsonMap[]).map((r) => r.parameter as string);
      expect(parameters.filter((p) => !KAFKA_AUTH_PARAMETERS.has(p))).toEqual([]);
    }
  });
});
