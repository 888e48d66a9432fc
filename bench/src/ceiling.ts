import { randomUUID } from 'node:crypto';
import { AlertContent, renderEmail, renderSms } from '@bin-alert/domain';
import { SendGridEmailSender, TwilioSmsSender, providerSettingsFrom } from '@bin-alert/providers';
import { loadConfig } from '@bin-alert/platform';
import { benchMobile } from './seeding';
import { inParallel } from './support/in-parallel';

export interface CeilingOptions {
  simUrl: string;
  messages: number;
  concurrency: number;
  /** E-mail requests in flight (batches of 1000); default min(concurrency, 8). */
  emailConcurrency?: number;
  content: AlertContent;
}

export interface CeilingResult {
  sms_throughput_per_s: number;
  email_throughput_per_s: number;
  sms_messages: number;
  sms_seconds: number;
  sms_errors: number;
  sms_accepted_at_sim: number;
  email_recipients: number;
  email_requests: number;
  /** The e-mail figure is the best of this many rounds of `email_recipients`. */
  email_rounds: number;
  email_seconds: number;
  email_errors: number;
  concurrency: number;
  email_concurrency: number;
  process_cpu_s: number;
  process_peak_rss_mb: number;
}

const EMAIL_BATCH = 1000;
const EMAIL_ROUNDS = 3;

async function clearSim(simUrl: string): Promise<void> {
  const res = await fetch(`${simUrl}/__sim/messages`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE ${simUrl}/__sim/messages answered ${res.status}`);
}

/**
 * The bare-SDK ceiling: the same adapters the dispatchers use (TwilioSmsSender,
 * SendGridEmailSender, configured exactly as providerSettingsFrom configures them for the
 * simulator), called from one process with bounded concurrency, with nothing else around them:
 * no database, no Kafka, no rate limiter. What the system reaches is compared with this.
 */
export async function measureCeiling(o: CeilingOptions): Promise<CeilingResult> {
  const providers = providerSettingsFrom(loadConfig({ PROVIDER_SIM_URL: o.simUrl, LOG_LEVEL: 'warn' }));
  if (providers.twilio.apiBaseUrl === null || providers.sendgrid.apiBaseUrl === null) throw new Error('the ceiling only ever runs against the simulator');
  const sms = new TwilioSmsSender(providers.twilio);
  const email = new SendGridEmailSender(providers.sendgrid);
  const body = renderSms(o.content, 'nl').body;
  const mail = renderEmail(o.content, 'nl');

  const sendSms = (n: number) => sms.send({ deliveryId: randomUUID(), to: benchMobile(n), body });
  const sendMail = (from: number, count: number) =>
    email.sendBatch({
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      recipients: Array.from({ length: count }, (_, i) => ({ deliveryId: randomUUID(), to: `member${from + i}@bench.example.be` })),
      categories: ['bin-alert', o.content.urgency],
    });

  // Warm-up (JIT, sockets), not measured.
  await inParallel(Math.min(500, o.messages), o.concurrency, (n) => sendSms(n));
  await sendMail(0, EMAIL_BATCH);
  await clearSim(o.simUrl);

  let smsErrors = 0;
  const smsStart = process.hrtime.bigint();
  await inParallel(o.messages, o.concurrency, async (n) => {
    try {
      await sendSms(n);
    } catch {
      smsErrors++;
    }
  });
  const smsSeconds = Number(process.hrtime.bigint() - smsStart) / 1e9;
  const stats = (await (await fetch(`${o.simUrl}/__sim/stats`)).json()) as { sms: { accepted: number } };

  const batches = Array.from({ length: Math.ceil(o.messages / EMAIL_BATCH) }, (_, i) => ({ from: i * EMAIL_BATCH, count: Math.min(EMAIL_BATCH, o.messages - i * EMAIL_BATCH) }));
  // The dispatcher has a few batches in flight; more than a handful only queue in the simulator.
  const emailConcurrency = o.emailConcurrency ?? Math.min(o.concurrency, 8);
  // K recipients are few requests (20 for 20 000) and take well under a second: best of three rounds.
  let emailErrors = 0;
  let emailSeconds = Infinity;
  for (let round = 0; round < EMAIL_ROUNDS; round++) {
    await clearSim(o.simUrl);
    let errors = 0;
    const started = process.hrtime.bigint();
    await inParallel(batches.length, emailConcurrency, async (i) => {
      const b = batches[i];
      try {
        await sendMail(b.from, b.count);
      } catch {
        errors += b.count;
      }
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (seconds < emailSeconds) {
      emailSeconds = seconds;
      emailErrors = errors;
    }
  }

  const cpu = process.cpuUsage();
  return {
    sms_throughput_per_s: Math.round((o.messages - smsErrors) / smsSeconds),
    email_throughput_per_s: Math.round((o.messages - emailErrors) / emailSeconds),
    sms_messages: o.messages,
    sms_seconds: Math.round(smsSeconds * 100) / 100,
    sms_errors: smsErrors,
    sms_accepted_at_sim: stats.sms.accepted,
    email_recipients: o.messages,
    email_requests: batches.length,
    email_rounds: EMAIL_ROUNDS,
    email_seconds: Math.round(emailSeconds * 100) / 100,
    email_errors: emailErrors,
    concurrency: o.concurrency,
    email_concurrency: emailConcurrency,
    process_cpu_s: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    process_peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  };
}
