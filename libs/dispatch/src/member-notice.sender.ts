import { Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { MemberNoticeV1 } from '@bin-alert/contracts';
import {
  Language,
  LinkSigner,
  MEMBER_PAGE_PATHS,
  VERIFICATION_CODE_POLICY,
  hashVerificationCode,
  renderCategoryInvitation,
  renderEmailConfirmation,
  renderPreferencesLink,
  renderSmsCode,
  renderVoiceCode,
} from '@bin-alert/domain';
import type { ClaimedNotice, MemberNoticeRepository, MembershipRepository } from '@bin-alert/persistence';
import { voiceTwiml } from '@bin-alert/providers';
import type { EmailSender, SmsSender, TwilioVoice, VoiceCaller } from '@bin-alert/providers';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { DispatchSettings } from './dispatch-settings';
import { sendWithRetry } from './send-with-retry';

export interface MemberLinkSettings {
  signer: LinkSigner;
  /** Intake's public origin: every link e-mailed to a member starts with it. */
  baseUrl: string;
  /** Secret of the SMS code hashes (the link signing secret: one secret per installation). */
  codeSecret: string;
  clock: () => Date;
}

/**
 * The link a member follows for one purpose: a page (MEMBER_PAGE_PATHS) that a GET only shows, so
 * that a mail scanner fetching it changes nothing. The token alone says who and what.
 */
export function memberLink(links: MemberLinkSettings, path: string, token: string): string {
  return `${links.baseUrl}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * Sends the messages a member gets about their membership: the invitation of a campaign, the
 * e-mail confirmation link, the SMS code, the call that says the code of a phone for calls. Links and codes are made here, at sending time, so that
 * neither the outbox nor Kafka holds them; the code is stored hashed before it is sent.
 */
export class MemberNoticeSender {
  private readonly logger = new Logger('member-notices');

  constructor(
    private readonly notices: MemberNoticeRepository,
    private readonly memberships: MembershipRepository,
    private readonly links: MemberLinkSettings,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
    private readonly providers: { email?: EmailSender; sms?: SmsSender; voice?: { caller: VoiceCaller; voices: Readonly<Record<Language, TwilioVoice>> } },
  ) {}

  async handle(event: MemberNoticeV1): Promise<void> {
    const notice = await this.notices.claim(event.noticeId);
    if (!notice) return;
    if (!notice.to || !notice.contactId) {
      await this.notices.record(notice.id, { status: 'failed', reason: 'contact_removed' });
      return;
    }
    const result = notice.kind === 'sms_code' || notice.kind === 'voice_code' ? await this.sendCode(notice) : await this.sendEmail(notice);
    await this.notices.record(notice.id, result.ok ? { status: 'sent', providerId: result.providerId } : { status: 'failed', reason: result.reason });
    this.logger.log({ msg: 'member notice', kind: notice.kind, noticeId: notice.id, memberId: notice.memberId, sent: result.ok });
  }

  private async sendEmail(notice: ClaimedNotice) {
    const email = this.providers.email;
    if (!email) throw new Error('e-mail notice on a dispatcher without an e-mail sender');
    const now = this.links.clock();
    const rendered =
      notice.kind === 'preferences_link'
        ? renderPreferencesLink(
            notice.language,
            memberLink(this.links, MEMBER_PAGE_PATHS.preferences, this.links.signer.sign({ purpose: 'preferences', memberId: notice.memberId }, now)),
          )
        : notice.kind === 'category_invitation'
          ? renderCategoryInvitation(
              notice.language,
              notice.categoryName ?? notice.categoryCode ?? '',
              memberLink(
                this.links,
                MEMBER_PAGE_PATHS.subscribe,
                this.links.signer.sign({ purpose: 'subscribe', memberId: notice.memberId, category: notice.categoryCode ?? undefined }, now),
              ),
            )
          : renderEmailConfirmation(
              notice.language,
              memberLink(
                this.links,
                MEMBER_PAGE_PATHS.confirmEmail,
                this.links.signer.sign({ purpose: 'confirm_email', memberId: notice.memberId, contactId: notice.contactId! }, now),
              ),
            );
    return sendWithRetry(async () => {
      await this.limiter.acquire({ name: 'sendgrid:mail-send', perSecond: this.settings.sendgridRequestsPerSecond });
      return email.sendBatch({ ...rendered, recipients: [{ deliveryId: notice.id, to: notice.to! }], categories: ['bin-member-notice', notice.kind] });
    }, this.settings.retryPolicy);
  }

  /** The code by SMS to a mobile, or said by a call to a phone: made, stored hashed, then sent. */
  private async sendCode(notice: ClaimedNotice) {
    const send = notice.kind === 'voice_code' ? this.callCode(notice) : this.textCode(notice);
    const code = String(randomInt(0, 10 ** VERIFICATION_CODE_POLICY.digits)).padStart(VERIFICATION_CODE_POLICY.digits, '0');
    const expiresAt = new Date(this.links.clock().getTime() + VERIFICATION_CODE_POLICY.lifetimeSeconds * 1000);
    await this.memberships.storeVerificationCode(notice.contactId!, hashVerificationCode(this.links.codeSecret, notice.contactId!, code), expiresAt);
    return sendWithRetry(() => send(code), this.settings.retryPolicy);
  }

  private textCode(notice: ClaimedNotice) {
    const sms = this.providers.sms;
    if (!sms) throw new Error('SMS notice on a dispatcher without an SMS sender');
    return async (code: string) => {
      await this.limiter.acquire({ name: `twilio:messages:${this.settings.twilioFromNumber}`, perSecond: this.settings.twilioMessagesPerSecond });
      return sms.send({ deliveryId: notice.id, to: notice.to!, body: renderSmsCode(notice.language, code) });
    };
  }

  /** Inline TwiML: the code is said as soon as someone answers; no status is tracked for it, as for the SMS code. */
  private callCode(notice: ClaimedNotice) {
    const voice = this.providers.voice;
    if (!voice) throw new Error('voice notice on a dispatcher without a voice caller');
    return async (code: string) => {
      await this.limiter.acquire({ name: 'twilio:calls', perSecond: this.settings.twilioCallsPerSecond });
      return voice.caller.call({ deliveryId: notice.id, to: notice.to!, answer: { twiml: voiceTwiml(renderVoiceCode(notice.language, code), voice.voices) } });
    };
  }
}
