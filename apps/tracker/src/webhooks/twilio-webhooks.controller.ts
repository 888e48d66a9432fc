import { Body, Controller, Header, HttpCode, Inject, Logger, Post, Query, UseGuards } from '@nestjs/common';
import { classifySmsReply, isAnsweredByMachine, redactContact, renderVoice, renderVoiceGatherReply } from '@bin-alert/domain';
import { DeliveryTrackingRepository, SmsOptOutRepository } from '@bin-alert/persistence';
import { TRACKER_WEBHOOK_PATHS, hangUpTwiml, voiceGatherActionUrl, voiceTwiml } from '@bin-alert/providers';
import { ZodBodyPipe } from '@bin-alert/platform';
import {
  gatherObservation,
  StatusEventPublisher,
  WebhookStats,
  GatherForm,
  InboundSmsForm,
  VoiceAnswerForm,
  gatherForm,
  inboundSmsForm,
  voiceAnswerForm,
} from '@bin-alert/tracking';
import { TwilioSignatureGuard } from './signature-guards';
import { single } from './twilio-status-routes';
import { TRACKER_SETTINGS, TrackerSettings } from '../tracker-settings';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio's signed form webhooks that answer TwiML: the call's answer, the Gather action and the
 * inbound SMS webhook. The status callbacks are served before Nest's pipeline (twilio-status-routes.ts).
 */
@Controller()
@UseGuards(TwilioSignatureGuard)
export class TwilioWebhooksController {
  private readonly logger = new Logger('twilio-webhooks');

  constructor(
    private readonly events: StatusEventPublisher,
    private readonly optOuts: SmsOptOutRepository,
    private readonly stats: WebhookStats,
    private readonly deliveries: DeliveryTrackingRepository,
    @Inject(TRACKER_SETTINGS) private readonly settings: TrackerSettings,
  ) {}

  /**
   * The call's Url, fetched by Twilio once machine detection is done: a person hears the message
   * twice and may press 1; a voicemail gets it once, after the beep.
   */
  @Post(TRACKER_WEBHOOK_PATHS.twilioVoiceAnswer)
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async voiceAnswer(@Query('deliveryId') deliveryId: string | undefined, @Body(new ZodBodyPipe(voiceAnswerForm)) form: VoiceAnswerForm): Promise<string> {
    const id = single(deliveryId);
    const script = id === undefined ? null : await this.deliveries.findVoiceScript(id, this.settings.zoneDefaultLanguage);
    if (!script || id === undefined) {
      this.logger.warn({ msg: 'call answered for a delivery that has no voice message; hanging up', deliveryId: id, callSid: form.CallSid });
      return hangUpTwiml();
    }
    const answeredByMachine = isAnsweredByMachine(form.AnsweredBy);
    if (answeredByMachine) await this.stats.add({ voice_answered_by_machine: 1 });
    return voiceTwiml(
      renderVoice(script.content, script.language, { gatherActionUrl: voiceGatherActionUrl(this.settings.publicUrl, id), answeredByMachine }),
      this.settings.voices,
    );
  }

  /** The `<Gather action>`: Digits=1 acknowledges; the answer thanks the member in their language. */
  @Post(TRACKER_WEBHOOK_PATHS.twilioVoiceGather)
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async voiceGather(@Query('deliveryId') deliveryId: string | undefined, @Body(new ZodBodyPipe(gatherForm)) form: GatherForm): Promise<string> {
    const observation = gatherObservation(single(deliveryId), form);
    const [result] = await this.events.publish([observation]);
    return voiceTwiml(renderVoiceGatherReply(result.delivery?.language ?? null, observation.acknowledged && result.delivery !== undefined), this.settings.voices);
  }

  /**
   * A member's SMS to the system's number. Twilio itself blocks a number that sent STOP and
   * answers it; this records the change on the member's mobile contact point. Twilio does not
   * resend inbound webhooks, and a repeat of the same MessageSid records nothing twice.
   */
  @Post(TRACKER_WEBHOOK_PATHS.twilioInboundSms)
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async inboundSms(@Body(new ZodBodyPipe(inboundSmsForm)) form: InboundSmsForm): Promise<string> {
    const change = classifySmsReply(form.Body, form.OptOutType);
    if (!change) {
      await this.stats.add({ ignored: 1 });
      return EMPTY_TWIML;
    }
    const result = await this.optOuts.record({ from: form.From, action: change.action, keyword: change.keyword, providerMessageId: form.MessageSid, receivedAt: new Date() });
    if (result.memberIds.length === 0) {
      this.logger.warn({ msg: 'SMS opt-out keyword from a number no member registered', from: redactContact(form.From), keyword: change.keyword, messageSid: form.MessageSid });
      await this.stats.add({ sms_reply_unknown_number: 1 });
    } else {
      this.logger.log({
        msg: `SMS ${change.action.replace('_', '-')} recorded`,
        keyword: change.keyword,
        members: result.memberIds.length,
        recorded: result.recorded,
        messageSid: form.MessageSid,
      });
      if (result.recorded > 0) await this.stats.add({ [change.action === 'opt_out' ? 'sms_opt_out' : 'sms_opt_in']: 1 });
    }
    return EMPTY_TWIML;
  }
}
