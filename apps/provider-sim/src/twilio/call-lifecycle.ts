import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookAttempt } from '../webhooks/outbound-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { CallFate } from './call-fate';
import { estimatedCallSeconds } from './call-duration';
import { CallEvent, callParams, CallStatus, callStatusCallbackParams } from './call-params';
import { parseGather, TwimlGather } from './twiml-gather.parser';
import { parseSaidTexts } from './twiml-say.parser';

export interface CallContext {
  accountSid: string;
  events: Set<CallEvent>;
  /** MachineDetection as requested: Enable | DetectMessageEnd. */
  machineDetection?: string;
}

const EVENT_OF_STATUS: Record<CallStatus, CallEvent> = {
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  busy: 'completed',
  'no-answer': 'completed',
  failed: 'completed',
};

/**
 * A queued call after the 201: initiated, ringing, answered (in-progress) and its end, each
 * recorded on the call and posted, signed, to the StatusCallback when its event was asked for.
 * An answered call fetches its Url (if it has one) for TwiML; a human at a `<Gather>` may press
 * 1, which is posted to the Gather's action.
 */
@Injectable()
export class CallLifecycle {
  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly webhooks: TwilioWebhookFactory,
    private readonly sender: WebhookSender,
  ) {}

  start(call: StoredMessage, fate: CallFate, context: CallContext, prng: Prng): void {
    this.scheduler.spawn(`call ${call.id}`, async (token) => {
      let sequenceNumber = 0;
      const reach = async (status: CallStatus, extra: { answeredBy?: string; durationSeconds?: number } = {}): Promise<void> => {
        await this.pause(prng, token);
        const at = new Date();
        call.statuses?.push(status, at);
        if (EVENT_OF_STATUS[status] === 'completed') {
          call.outcome = status;
          call.durationSeconds = extra.durationSeconds;
        }
        if (call.statusCallback === undefined || !context.events.has(EVENT_OF_STATUS[status])) return;
        const sequence = sequenceNumber;
        sequenceNumber += 1;
        const draft = this.webhooks.form(
          'voice',
          call.statusCallback,
          () => `call status ${status} ${call.id}`,
          () => callStatusCallbackParams(call, context.accountSid, status, at, sequence, extra),
        );
        await this.sender.deliver(draft, token);
      };

      await reach('initiated');
      if (fate.outcome === 'failed') return reach('failed', { durationSeconds: 0 });
      await reach('ringing');
      if (fate.outcome !== 'completed') return reach(fate.outcome, { durationSeconds: 0 });

      const answeredBy = reportedAnsweredBy(fate, context.machineDetection);
      call.answeredBy = answeredBy ?? fate.answeredBy;
      await reach('in-progress', { answeredBy });
      const twiml = await this.instructions(call, context, answeredBy, token);
      const gather = twiml === undefined ? undefined : parseGather(twiml, call.url);
      const pressed = gather !== undefined && fate.answeredBy === 'human' && fate.acknowledges;
      if (pressed) await this.pressOne(call, context, answeredBy, gather, prng, token);
      const durationSeconds = estimatedCallSeconds(call.said ?? [], gather && { timeoutSeconds: gather.timeoutSeconds, pressed });
      await reach('completed', { answeredBy, durationSeconds });
    });
  }

  /** Inline Twiml as given, or the TwiML the call's Url answers when fetched on answer. */
  private async instructions(call: StoredMessage, context: CallContext, answeredBy: string | undefined, token: TaskToken): Promise<string | undefined> {
    if (call.twiml !== undefined || call.url === undefined) return call.twiml;
    const params = callParams(call, context.accountSid, 'in-progress', answeredBy);
    // Twilio does not retry a TwiML fetch; it would fall back to a FallbackUrl, which is not simulated.
    const { reply } = await this.postOnce('twiml', call.id, call.url, params, token);
    if (reply === undefined || reply.status < 200 || reply.status >= 300) return undefined;
    call.twiml = reply.body;
    call.said = parseSaidTexts(reply.body);
    return reply.body;
  }

  private async pressOne(call: StoredMessage, context: CallContext, answeredBy: string | undefined, gather: TwimlGather, prng: Prng, token: TaskToken): Promise<void> {
    await this.pause(prng, token);
    call.digits = '1';
    if (gather.actionUrl === undefined) return;
    const params = { ...callParams(call, context.accountSid, 'in-progress', answeredBy), Digits: '1', FinishedOnKey: '', msg: 'Gather End' };
    const { reply } = await this.postOnce('gather', call.id, gather.actionUrl, params, token);
    call.gatherReplyStatus = reply?.status;
  }

  /** A POST Twilio makes once, without retries: the TwiML fetch and the Gather action. */
  private postOnce(what: 'twiml' | 'gather', callSid: string, url: string, params: Record<string, string>, token: TaskToken): Promise<WebhookAttempt> {
    const draft = this.webhooks.form(
      'voice',
      url,
      () => `call ${what} ${callSid}`,
      () => params,
    );
    return this.sender.deliver(draft, token, { retry: false });
  }

  private pause(prng: Prng, token: TaskToken): Promise<void> {
    const { min, max } = this.config.current.callbackDelayMs;
    return this.scheduler.sleep(prng.between(min, max), token);
  }
}

/** AnsweredBy is only reported when MachineDetection was asked for; its machine value depends on the mode. */
function reportedAnsweredBy(fate: CallFate, machineDetection: string | undefined): string | undefined {
  if (machineDetection === undefined) return undefined;
  if (fate.answeredBy === 'human') return 'human';
  return machineDetection.toLowerCase() === 'detectmessageend' ? 'machine_end_beep' : 'machine_start';
}
