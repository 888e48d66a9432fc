/**
 * The startup config a process environment asks for: `SIM_CONFIG` (a JSON patch, as PUT
 * /__sim/config takes it) overridden by the single-purpose variables. Returned unvalidated;
 * the store validates it like any other patch, so a bad variable fails the start naming it.
 */
export function simConfigPatchFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const patch: Record<string, unknown> = env.SIM_CONFIG?.trim() ? parseJson(env.SIM_CONFIG) : {};
  const seed = nonEmpty(env.SIM_SEED);
  if (seed !== undefined) patch.seed = Number(seed);
  const inbound = nonEmpty(env.SIM_TWILIO_INBOUND_SMS_URL);
  if (inbound !== undefined) patch.twilioInboundSmsUrl = inbound;
  const events = nonEmpty(env.SIM_SENDGRID_EVENT_WEBHOOK_URL);
  if (events !== undefined) patch.sendgridEventWebhookUrl = events;
  return patch;
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('SIM_CONFIG must be a JSON object (a partial simulator config)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('SIM_CONFIG must be a JSON object (a partial simulator config)');
  }
  return value as Record<string, unknown>;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
