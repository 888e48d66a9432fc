import { MsRange, SimConfig, SmsFaults } from './sim-config';
import { FieldProblem } from '../sim-request.error';
import { SimConfigPatch } from './sim-config.patch';

export type MergeResult = { ok: true; config: SimConfig } | { ok: false; problems: FieldProblem[] };

/**
 * Applies a validated patch: sections merge field by field, error-rate maps merge code by code
 * (a rate of 0 removes the code), everything else is replaced. Then the rules that span fields
 * are checked on the result, so that a patch is judged by the config it would produce.
 */
export function mergeSimConfig(current: SimConfig, patch: SimConfigPatch): MergeResult {
  const config: SimConfig = {
    seed: patch.seed ?? current.seed,
    latencyMs: { ...current.latencyMs, ...patch.latencyMs },
    callbackDelayMs: { ...current.callbackDelayMs, ...patch.callbackDelayMs },
    callbackRetry: {
      ...current.callbackRetry,
      ...patch.callbackRetry,
      sendgrid: { ...current.callbackRetry.sendgrid, ...patch.callbackRetry?.sendgrid },
    },
    sms: mergeSmsFaults(current.sms, patch.sms),
    secondTwilioAccount: { sms: mergeSmsFaults(current.secondTwilioAccount.sms, patch.secondTwilioAccount?.sms) },
    voice: {
      ...current.voice,
      ...patch.voice,
      errorRates: mergeRates(current.voice.errorRates, patch.voice?.errorRates),
    },
    email: { ...current.email, ...patch.email },
    rateLimit: { ...current.rateLimit, ...patch.rateLimit },
    burst429: patch.burst429 === undefined ? current.burst429 : patch.burst429 && patch.burst429.count > 0 ? { ...patch.burst429 } : null,
    retention: { ...current.retention, ...patch.retention },
    twilioInboundSmsUrl: patch.twilioInboundSmsUrl === undefined ? current.twilioInboundSmsUrl : patch.twilioInboundSmsUrl,
    sendgridEventWebhookUrl: patch.sendgridEventWebhookUrl === undefined ? current.sendgridEventWebhookUrl : patch.sendgridEventWebhookUrl,
  };
  const problems = crossFieldProblems(config);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

function mergeSmsFaults(current: SmsFaults, patch: Partial<SmsFaults> | undefined): SmsFaults {
  return { ...current, ...patch, errorRates: mergeRates(current.errorRates, patch?.errorRates) };
}

function mergeRates(current: Record<string, number>, patch: Record<string, number> | undefined): Record<string, number> {
  const merged = { ...current, ...patch };
  return Object.fromEntries(Object.entries(merged).filter(([, rate]) => rate > 0));
}

function crossFieldProblems(config: SimConfig): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const range = (field: string, value: MsRange): void => {
    if (value.min > value.max) problems.push({ field, reason: `min (${value.min}) must not exceed max (${value.max})` });
  };
  // Outcomes of one message exclude each other, so their probabilities cannot add up past 1.
  const exclusive = (field: string, rates: number[]): void => {
    const sum = rates.reduce((total, rate) => total + rate, 0);
    if (sum > 1 + 1e-9) problems.push({ field, reason: `these rates exclude each other and add up to ${round(sum)}, more than 1` });
  };
  range('latencyMs', config.latencyMs);
  range('callbackDelayMs', config.callbackDelayMs);
  exclusive('sms.errorRates', Object.values(config.sms.errorRates));
  exclusive('voice.errorRates', Object.values(config.voice.errorRates));
  exclusive('sms.undeliveredRate+failedRate', [config.sms.undeliveredRate, config.sms.failedRate]);
  exclusive('secondTwilioAccount.sms.errorRates', Object.values(config.secondTwilioAccount.sms.errorRates));
  exclusive('secondTwilioAccount.sms.undeliveredRate+failedRate', [config.secondTwilioAccount.sms.undeliveredRate, config.secondTwilioAccount.sms.failedRate]);
  exclusive('voice.noAnswerRate+busyRate+failedRate+machineRate', [config.voice.noAnswerRate, config.voice.busyRate, config.voice.failedRate, config.voice.machineRate]);
  exclusive('email.bounceRate+dropRate+deferRate', [config.email.bounceRate, config.email.dropRate, config.email.deferRate]);
  return problems;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
