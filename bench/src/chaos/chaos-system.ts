import { join } from 'node:path';
import { Channel } from '@bin-alert/domain';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { dispatcherInstanceSpecs } from '../instances';
import { AppSpec, RunningApp, sleep, startApp, stopApps, tail, waitReady } from '../processes';

/** Loopback ports of the chaos run's apps: none of them is a default, so that npm start or a benchmark can run beside it. */
export const CHAOS_PORTS = {
  intake: 3400,
  tracker: 3404,
  sim: 4410,
  /** Of the first instance of each dispatcher; the next ones are INSTANCE_PORT_STEP apart. */
  dispatcher: { sms: 3411, email: 3412, voice: 3413 } as Record<Channel, number>,
  /**
   * The servers of the run's own (own-servers.ts). Below Linux's ephemeral range (32768-60999),
   * which the kernel hands out to outgoing connections: a controller port there was once taken by
   * one as the cluster started. Clear of the shared servers' ports and docker compose's (23000-29093).
   */
  postgres: 31432,
  redis: 31379,
  /** The single broker's client port; its controller listens 100 above (deploy/local/kafka-cluster.sh). */
  kafka: 31092,
  /** Node 1 of the three-broker cluster: clients 31292-31294, controllers 31392-31394. */
  cluster: 31292,
};

export interface SystemOptions {
  root: string;
  logDir: string;
  databaseUrl: string;
  redisUrl: string;
  brokers: string[];
  replicationFactor: number;
  minInsyncReplicas: number;
  dispatcherInstances: number;
}

/** An app killed on purpose, or one that died by itself and was started again, as a supervisor would. */
export interface AppRestart {
  app: string;
  at: number;
  cause: 'killed by the scenario' | 'exited by itself';
  exit: string;
}

/**
 * The whole system as processes from dist, each app started again when it dies (as Kubernetes
 * or systemd would), and a record of every such restart: a scenario reports them.
 */
/** The tracker's reconciliation in a scenario (RECONCILE_LOOKUPS_PER_SECOND=0 runs without it, as before ADR 0039). */
export const RECONCILE_SETTINGS = {
  RECONCILE_AFTER_SECONDS: process.env.RECONCILE_AFTER_SECONDS ?? '30',
  RECONCILE_LOOKUPS_PER_SECOND: process.env.RECONCILE_LOOKUPS_PER_SECOND ?? '50',
  RECONCILE_RETRY_SECONDS: process.env.RECONCILE_RETRY_SECONDS ?? '10',
  RECONCILE_MAX_RETRY_SECONDS: process.env.RECONCILE_MAX_RETRY_SECONDS ?? '60',
  RECONCILE_POLL_MS: process.env.RECONCILE_POLL_MS ?? '2000',
};

export class ChaosSystem {
  readonly env: NodeJS.ProcessEnv;
  private readonly apps = new Map<string, RunningApp>();
  private readonly killedOnPurpose = new Set<string>();
  readonly restarts: AppRestart[] = [];
  private supervising: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(private readonly options: SystemOptions) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Never real providers.
    for (const secret of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY']) delete env[secret];
    const trackerUrl = `http://127.0.0.1:${CHAOS_PORTS.tracker}`;
    Object.assign(env, {
      NODE_ENV: 'development',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      KAFKA_BROKERS: options.brokers.join(','),
      KAFKA_REPLICATION_FACTOR: String(options.replicationFactor),
      KAFKA_MIN_INSYNC_REPLICAS: String(options.minInsyncReplicas),
      KAFKA_CLIENT_ID: 'bin-alert-chaos',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      LOG_FORMAT: 'json',
      INTAKE_PORT: String(CHAOS_PORTS.intake),
      TRACKER_PORT: String(CHAOS_PORTS.tracker),
      SIM_PORT: String(CHAOS_PORTS.sim),
      PROVIDER_SIM_URL: `http://127.0.0.1:${CHAOS_PORTS.sim}`,
      TRACKER_PUBLIC_URL: trackerUrl,
      MEMBER_LINKS_BASE_URL: `http://127.0.0.1:${CHAOS_PORTS.intake}`,
      SIM_SENDGRID_EVENT_WEBHOOK_URL: `${trackerUrl}${TRACKER_WEBHOOK_PATHS.sendGridEvents}`,
      // SendGrid's day of Event Webhook retries in 24 minutes (first retry after 0.5 s, then at
      // most a minute apart), so that a scenario sees the events it would deliver later.
      // The simulator lists every message of the run (Twilio lists far older ones): an in-doubt
      // lookup made long after the send must find it, as it would at Twilio.
      SIM_CONFIG: process.env.SIM_CONFIG ?? JSON.stringify({ callbackRetry: { timeScale: 60 }, retention: { messagesPerChannel: 200_000, messagesPerAddress: 20 } }),
      // As in the benchmark: SMS and e-mail limits lifted (the machine is the limit), calls at a realistic account limit.
      TWILIO_MESSAGES_PER_SECOND: process.env.TWILIO_MESSAGES_PER_SECOND ?? '100000',
      SENDGRID_REQUESTS_PER_SECOND: process.env.SENDGRID_REQUESTS_PER_SECOND ?? '10000',
      TWILIO_CALLS_PER_SECOND: process.env.TWILIO_CALLS_PER_SECOND ?? '50',
      // A dead dispatcher's leases and group membership expire in seconds rather than minutes, so
      // that a scenario measures the take-over rather than the defaults' waiting.
      DISPATCH_LEASE_MS: process.env.DISPATCH_LEASE_MS ?? '20000',
      KAFKA_SESSION_TIMEOUT_MS: process.env.KAFKA_SESSION_TIMEOUT_MS ?? '10000',
      // The reconciliation of lost callbacks (ADR 0039) within a scenario's minutes: a delivery
      // still not final 30 s after its last change is looked up, waits from 10 s to a minute.
      ...RECONCILE_SETTINGS,
    });
    this.env = env;
  }

  private dist(app: string): string {
    return join(this.options.root, `dist/apps/${app}/src/main.js`);
  }

  private specs(): Array<{ spec: AppSpec; env: NodeJS.ProcessEnv }> {
    const out: Array<{ spec: AppSpec; env: NodeJS.ProcessEnv }> = [];
    const at = (port: number) => `http://127.0.0.1:${port}/health/ready`;
    out.push({
      spec: { name: 'provider-sim', entry: this.dist('provider-sim'), readyUrl: `http://127.0.0.1:${CHAOS_PORTS.sim}/__sim/stats`, port: CHAOS_PORTS.sim },
      env: this.env,
    });
    out.push({ spec: { name: 'tracker', entry: this.dist('tracker'), readyUrl: at(CHAOS_PORTS.tracker), port: CHAOS_PORTS.tracker }, env: this.env });
    out.push({ spec: { name: 'intake', entry: this.dist('intake'), readyUrl: at(CHAOS_PORTS.intake), port: CHAOS_PORTS.intake }, env: this.env });
    out.push(...dispatcherInstanceSpecs((app) => this.dist(app), CHAOS_PORTS.dispatcher, this.options.dispatcherInstances, this.env));
    return out;
  }

  private readonly envOf = new Map<string, NodeJS.ProcessEnv>();
  private readonly specOf = new Map<string, AppSpec>();

  async start(): Promise<void> {
    for (const { spec, env } of this.specs()) {
      this.specOf.set(spec.name, spec);
      this.envOf.set(spec.name, env);
    }
    // The simulator first: the dispatchers' first calls need it.
    await this.startReady('provider-sim');
    // The tracker alone next: it creates the topics on a fresh Kafka before the others look for them.
    await this.startReady('tracker');
    await Promise.all([...this.specOf.keys()].filter((n) => n !== 'provider-sim' && n !== 'tracker').map((n) => this.startReady(n)));
    this.supervising = setInterval(() => this.supervise(), 250);
    this.supervising.unref();
  }

  /**
   * Starts an app and waits until it is ready; one that exits while starting (a fresh cluster
   * still electing its partition leaders) is started again, as its supervisor would, five times at most.
   */
  private async startReady(name: string): Promise<void> {
    let app = this.launch(name);
    for (let attempt = 1; ; attempt++) {
      try {
        await waitReady(app, 120_000);
        return;
      } catch (error) {
        if (!app.exited || attempt >= 5) throw error;
        this.restarts.push({ app: name, at: Date.now(), cause: 'exited by itself', exit: `${JSON.stringify(app.exited)} while starting` });
        console.log(`[chaos]   ${name} exited while starting (${JSON.stringify(app.exited)}); starting it again`);
        await sleep(2000);
        app = this.relaunch(name);
      }
    }
  }

  private launch(name: string): RunningApp {
    const app = startApp(this.specOf.get(name)!, this.envOf.get(name)!, this.options.logDir);
    this.apps.set(name, app);
    return app;
  }

  private supervise(): void {
    if (this.stopping) return;
    for (const [name, app] of this.apps) {
      if (!app.exited || this.killedOnPurpose.has(name)) continue;
      // A process that cannot start (its server away) is tried again every two seconds, not in a loop.
      const last = this.restarts.filter((r) => r.app === name).pop();
      if (last && Date.now() - last.at < 2000) continue;
      this.restarts.push({ app: name, at: Date.now(), cause: 'exited by itself', exit: JSON.stringify(app.exited) });
      console.log(`[chaos]   ${name} exited by itself (${JSON.stringify(app.exited)}); starting it again. Last lines:\n${tail(app.log, 5)}`);
      this.relaunch(name);
    }
  }

  /** A new process for `name`, its log beside the first one's (name.1.log, name.2.log…). */
  private relaunch(name: string): RunningApp {
    const n = this.restarts.filter((r) => r.app === name).length;
    const app = startApp({ ...this.specOf.get(name)!, name: `${name}.${n}` }, this.envOf.get(name)!, this.options.logDir);
    this.apps.set(name, app);
    return app;
  }

  app(name: string): RunningApp {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name}`);
    return app;
  }

  /** SIGKILL: no drain, no goodbye; the supervisor leaves it dead until `restart`. */
  async kill(name: string): Promise<number> {
    const app = this.app(name);
    this.killedOnPurpose.add(name);
    app.child.kill('SIGKILL');
    const at = Date.now();
    while (!app.exited) await sleep(10);
    this.restarts.push({ app: name, at, cause: 'killed by the scenario', exit: JSON.stringify(app.exited) });
    return at;
  }

  /** Starts a killed app again and waits until it is ready; returns when it was. */
  async restart(name: string): Promise<number> {
    const app = this.relaunch(name);
    this.killedOnPurpose.delete(name);
    await waitReady(app, 120_000);
    return Date.now();
  }

  names(): string[] {
    return [...this.apps.keys()];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.supervising) clearInterval(this.supervising);
    await stopApps([...this.apps.values()]);
  }
}
