import { Logger } from '@nestjs/common';
import type { DeliveryJob } from '@bin-alert/contracts';
import { AlertContent, holdUnsentDelivery } from '@bin-alert/domain';
import { HandlerContext, sleepWithHeartbeat } from '@bin-alert/messaging';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryRepository, PlanningRepository } from '@bin-alert/persistence';
import type { AppMetrics } from '@bin-alert/platform';
import { ChannelSender } from './channel-sender';
import { DispatchSettings } from './dispatch-settings';
import { LaneGate } from './lane-gate';
import { LeaseFence } from './lease-fence';
import { mapWithConcurrency } from './concurrency';

/** Still leased after this many waits: its holder is alive and slow; the job is retried later. */
const MAX_LEASE_WAITS = 3;

/**
 * Chunks of a job in flight at once: while one chunk waits for its slowest provider answer or
 * records its outcomes, the next ones are already sending.
 */
const CHUNKS_IN_FLIGHT = 3;

export interface JobSummary {
  sent: number;
  failed: number;
  /** Planned again for later: the provider or the rate limiter was away (ADR 0025). */
  held: number;
  skipped: number;
  /** Not sent because the alert expired first. */
  expired: number;
  /** Not sent because the alert was cancelled first. */
  cancelled: number;
}

/** How often a long job asks again whether its alert was cancelled meanwhile. */
const CANCEL_CHECK_INTERVAL_MS = 1000;

/**
 * Stage two of the fan-out: sends one job. Deliveries are claimed a chunk at a time, right
 * before their provider calls, under a lease held by this instance; the outcome of each chunk
 * is recorded before the next is claimed. So a redelivered job finds its deliveries done, two
 * instances never hold the same delivery, and a dead instance's deliveries are taken over once
 * its lease runs out.
 */
export class DeliveryJobSender {
  private readonly logger: Logger;

  constructor(
    private readonly sender: ChannelSender,
    private readonly deliveries: DeliveryRepository,
    /** Turns a job's range of members into its deliveries (version-2 jobs, ADR 0016). */
    private readonly planning: Pick<PlanningRepository, 'jobsDeliveryIds' | 'inLanguageOrder'>,
    private readonly gate: LaneGate,
    private readonly settings: DispatchSettings,
    /** Identifies this instance as the holder of its leases. */
    private readonly holder: string,
    private readonly metrics?: AppMetrics,
  ) {
    this.logger = new Logger(`sender-${sender.channel}`);
  }

  handle(job: DeliveryJob, context: HandlerContext): Promise<JobSummary> {
    return this.handleRun([job], context);
  }

  /**
   * Jobs fetched together from one partition. Consecutive jobs of one alert are sent as one, so
   * that its chunks, and with them e-mail's SendGrid requests, fill up to emailJobSize across the
   * jobs: planning cuts a job per partition and page, and the first page, a page's remainder and
   * the quiet-hours releaser leave jobs far smaller than a request takes (ADR 0036).
   */
  async handleBatch(jobs: DeliveryJob[], context: HandlerContext): Promise<JobSummary[]> {
    const runs: DeliveryJob[][] = [];
    for (const job of jobs) {
      const run = runs.at(-1);
      if (run && run[0].alertId === job.alertId && run[0].lane === job.lane) run.push(job);
      else runs.push([job]);
    }
    const summaries: JobSummary[] = [];
    for (const run of runs) summaries.push(await this.handleRun(run, context));
    return summaries;
  }

  private handleRun(jobs: DeliveryJob[], context: HandlerContext): Promise<JobSummary> {
    return jobs[0].lane === 'urgent' ? this.gate.whileUrgent(() => this.send(jobs, context)) : this.send(jobs, context);
  }

  /** Jobs of one alert and lane (one, unless fetched together), sent as one list of deliveries. */
  private async send(jobs: DeliveryJob[], context: HandlerContext): Promise<JobSummary> {
    const job = jobs[0];
    const jobId = jobs.length === 1 ? job.jobId : `${job.jobId} and ${jobs.length - 1} more`;
    const content: AlertContent = { alertId: job.alertId, ...job.content };
    // E-mail goes a SendGrid request per chunk and language, at most emailJobSize recipients.
    const email = this.sender.channel === 'email';
    const chunkSize = email ? this.settings.emailJobSize : this.settings.sendConcurrency;
    // Ranges are looked up once, when the jobs are taken, all in one statement: from here on both
    // versions are a list of ids, claimed, leased and checked in doubt the same way.
    const listed = jobs.flatMap((j) => (j.version === 1 ? j.deliveryIds : []));
    const ranges = jobs.flatMap((j) => (j.version === 2 ? [j.members] : []));
    // The first cancel check goes along with the range look-up instead of before the first claim:
    // one round trip less between an urgent job's arrival and its first provider call.
    const [found, cancelledAtStart] = await Promise.all([
      this.planning.jobsDeliveryIds(job.alertId, job.channel, ranges, email ? 'language' : 'member'),
      this.deliveries.alertCancelled(job.alertId),
    ]);
    let deliveryIds = [...listed, ...found];
    let cancelled = cancelledAtStart;
    let cancelCheckedAt = Date.now();
    // Ids listed by version-1 jobs (the quiet-hours releaser's) are put in language order apart.
    if (email && listed.length > 0 && deliveryIds.length > chunkSize) deliveryIds = await this.planning.inLanguageOrder(deliveryIds);
    const summary: JobSummary = { sent: 0, failed: 0, held: 0, skipped: 0, expired: 0, cancelled: 0 };
    const expiresAt = job.expiresAt ? new Date(job.expiresAt).getTime() : null;
    let pending = deliveryIds;
    for (let round = 0; pending.length > 0; round++) {
      // What this round neither wrote an outcome for nor ended: only these may be in another
      // sender's hands. Mostly none, and the lease query is left out.
      const unsettled: string[] = [];
      const chunks: string[][] = [];
      for (let i = 0; i < pending.length; i += chunkSize) chunks.push(pending.slice(i, i + chunkSize));
      await mapWithConcurrency(chunks, CHUNKS_IN_FLIGHT, async (chunk) => {
        if (job.lane === 'normal') await this.gate.clearForNormal();
        // Checked before every chunk: a job that waited behind a backlog sends nothing stale.
        if (expiresAt !== null && Date.now() >= expiresAt) {
          const ended = await this.deliveries.endUnsent(chunk, 'expired');
          summary.expired += ended;
          if (ended < chunk.length) unsettled.push(...chunk);
          return;
        }
        // A cancel expanded while this job waited reaches only those the original had reached by
        // then; the rest must not get the original afterwards, alone and uncorrected.
        if (!cancelled && Date.now() - cancelCheckedAt >= CANCEL_CHECK_INTERVAL_MS) {
          cancelled = await this.deliveries.alertCancelled(job.alertId);
          cancelCheckedAt = Date.now();
        }
        if (cancelled) {
          const ended = await this.deliveries.endUnsent(chunk, 'cancelled');
          summary.cancelled += ended;
          if (ended < chunk.length) unsettled.push(...chunk);
          return;
        }
        const fence = new LeaseFence(this.deliveries, this.holder, this.settings.leaseMs);
        const claimed = this.sender.admitsOnClaim
          ? await fence.claimAdmitting(() => this.deliveries.claim(chunk, this.holder, this.settings.leaseMs, { admit: true }))
          : await this.deliveries.claim(chunk, this.holder, this.settings.leaseMs);
        if (claimed.length < chunk.length) {
          const mine = new Set(claimed.map((d) => d.id));
          unsettled.push(...chunk.filter((id) => !mine.has(id)));
        }
        if (claimed.length === 0) return;
        const outcomes = this.withHolds(await this.sender.send(claimed, content, fence), claimed, expiresAt);
        const written = new Set(await this.deliveries.recordOutcomes(outcomes, this.holder));
        if (written.size < claimed.length) unsettled.push(...claimed.filter((d) => !written.has(d.id)).map((d) => d.id));
        if (written.size < outcomes.length) {
          this.logger.warn({
            msg: 'deliveries taken over by another sender while this one sent; their outcomes are left to it',
            jobId,
            alertId: job.alertId,
            deliveries: outcomes.length - written.size,
            first: outcomes
              .filter((o) => !written.has(o.id))
              .slice(0, 20)
              .map((o) => o.id),
          });
        }
        for (const o of outcomes) {
          if (!written.has(o.id)) continue;
          if (o.status === 'accepted') summary.sent++;
          else if (o.status === 'held') summary.held++;
          else if (o.status === 'failed') summary.failed++;
        }
        await context.heartbeat();
      });
      // Deliveries another instance holds: it may have died holding them (its job came back to
      // us after a rebalance). Wait for its lease to run out, then try them again.
      const leaseEnd = unsettled.length > 0 ? await this.deliveries.foreignLeaseEnd(unsettled, this.holder) : null;
      if (!leaseEnd) break;
      if (round >= MAX_LEASE_WAITS) throw new Error(`job ${jobId}: deliveries still leased by another sender after ${round} waits`);
      if (round === 0) this.logger.warn({ msg: 'deliveries leased by another sender; waiting for the lease', jobId, alertId: job.alertId, until: leaseEnd.toISOString() });
      await sleepWithHeartbeat(Math.max(0, leaseEnd.getTime() - Date.now()) + 50, context);
      pending = unsettled;
    }
    summary.skipped = deliveryIds.length - summary.sent - summary.failed - summary.held - summary.expired - summary.cancelled;
    if (summary.held > 0)
      this.logger.warn({ msg: 'deliveries held: the provider or the rate limiter was away; they are tried again later', jobId, alertId: job.alertId, held: summary.held });
    if (summary.expired + summary.cancelled > 0) {
      this.logger.log({ msg: 'alert expired or cancelled before these deliveries were sent', jobId, alertId: job.alertId, expired: summary.expired, cancelled: summary.cancelled });
    }
    const labels = { channel: this.sender.channel, lane: job.lane };
    if (summary.sent > 0) this.metrics?.deliveryOutcomes.inc({ ...labels, outcome: 'accepted' }, summary.sent);
    if (summary.failed > 0) this.metrics?.deliveryOutcomes.inc({ ...labels, outcome: 'failed' }, summary.failed);
    this.logger.debug({ msg: 'job sent', jobId, alertId: job.alertId, lane: job.lane, ...summary });
    return summary;
  }

  /** A held delivery is held for as long as holdUnsentDelivery allows; past that, it fails with the outage's reason. */
  private withHolds(outcomes: DeliveryOutcome[], claimed: ClaimedDelivery[], expiresAt: number | null): DeliveryOutcome[] {
    const plannedAt = new Map(claimed.map((d) => [d.id, d.plannedAt]));
    const now = new Date();
    return outcomes.map((o) => {
      if (o.status !== 'held') return o;
      const hold = holdUnsentDelivery({ now, expiresAt: expiresAt === null ? null : new Date(expiresAt), plannedAt: plannedAt.get(o.id) ?? now });
      return hold.hold ? { ...o, retryAt: hold.retryAt } : { id: o.id, status: 'failed', reason: o.reason };
    });
  }
}
