import { Injectable, Logger } from '@nestjs/common';
import { setImmediate } from 'node:timers/promises';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore, NewMessage } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { StatusHistory } from '../inbox/status-history';
import { randomBase64Url16 } from '../random/random-ids';
import { SimRandom } from '../random/sim-random';
import { SimStats } from '../stats/sim-stats';
import { SimScheduler } from '../timing/sim-scheduler';
import { decideEmailFate, EmailFate } from './email-fate';
import { EmailLifecycle } from './email-lifecycle';
import { SendGridApiError } from './sendgrid-api.error';
import { EmailAddress, MailSendRequest, Personalization, RECIPIENT_KINDS } from './mail-send.request';
import { validateMailSend } from './mail-send.validator';

export interface MailSendOutcome {
  /** 22 URL-safe characters, like `LRzXl_NHStOGhQ4kofSm_A`; the prefix of every event's sg_message_id. */
  messageId: string;
  sandbox: boolean;
}

/** POST /v3/mail/send: validate, then one received message per recipient address, and its events. */
@Injectable()
export class MailSendService {
  private readonly logger = new Logger('SendGridMailSend');

  constructor(
    private readonly store: MessageStore,
    private readonly config: SimConfigStore,
    private readonly random: SimRandom,
    private readonly stats: SimStats,
    private readonly lifecycle: EmailLifecycle,
    private readonly scheduler: SimScheduler,
  ) {}

  /**
   * Answers once every recipient is recorded, as before; in between it lets the event loop serve
   * other requests every RECIPIENTS_PER_SLICE recipients, so that a 1000-recipient request does
   * not hold a Twilio create for the whole of its recording (ADR 0049).
   */
  async send(body: unknown): Promise<MailSendOutcome> {
    const prng = this.random.next('sendgridMail');
    const validation = validateMailSend(body);
    if (!validation.ok) {
      this.stats.rejected('email', 400);
      throw new SendGridApiError(400, validation.errors);
    }
    const { request } = validation;
    const messageId = randomBase64Url16();
    // Sandbox mode is answered but never delivered, so nothing is recorded and no event follows.
    if (request.sandbox) return { messageId, sandbox: true };
    const token = this.scheduler.current;
    const rates = this.config.current.email;
    const shared = sharedFields(request, messageId, new Date());
    const addressed = addressedRecipients(request);
    const recipients: Array<{ message: StoredMessage; fate: EmailFate }> = [];
    for (let i = 0; i < addressed.length; i += 1) {
      if (i > 0 && i % RECIPIENTS_PER_SLICE === 0) await setImmediate();
      // A clear while this request was being recorded ended its generation: nothing more of it is kept.
      if (this.scheduler.isCancelled(token)) return { messageId, sandbox: false };
      const [personalization, address] = addressed[i];
      const message = receivedMessage(shared, personalization, address, i + 1);
      const fate = decideEmailFate(message.to, rates, prng);
      const deliveryId = message.customArgs?.delivery_id;
      if (this.stats.accepted('email', deliveryId ?? `${message.to}\n${message.subject ?? ''}`)) {
        this.logger.warn({ msg: 'e-mail accepted a second time (same delivery_id)', id: messageId, deliveryId });
      }
      recipients.push({ message: this.store.record(message), fate });
    }
    this.stats.emailRequestAccepted();
    this.lifecycle.start(messageId, recipients, prng);
    this.logger.debug({ msg: 'mail accepted', id: messageId, recipients: recipients.length });
    return { messageId, sandbox: false };
  }
}

/** Recipients handled between two turns of the event loop: about a millisecond of work. */
export const RECIPIENTS_PER_SLICE = 100;

/** What every recipient of a request shares, one copy each. */
interface SharedFields {
  request: MailSendRequest;
  messageId: string;
  receivedAt: string;
  text?: string;
  html?: string;
}

function sharedFields(request: MailSendRequest, messageId: string, now: Date): SharedFields {
  return {
    request,
    messageId,
    // One string for every recipient of the request, as the content is.
    receivedAt: now.toISOString(),
    text: request.content.find((block) => block.type === 'text/plain')?.value,
    html: request.content.find((block) => block.type === 'text/html')?.value,
  };
}

/** Every address of the request, in SendGrid's order: personalizations, then to, cc, bcc. */
function addressedRecipients(request: MailSendRequest): Array<[Personalization, EmailAddress]> {
  return request.personalizations.flatMap((personalization) =>
    RECIPIENT_KINDS.flatMap((kind) => personalization[kind].map((address): [Personalization, EmailAddress] => [personalization, address])),
  );
}

function receivedMessage(
  { request, messageId, receivedAt, text, html }: SharedFields,
  personalization: Personalization,
  address: EmailAddress,
  recipientIndex: number,
): NewMessage {
  return {
    id: messageId,
    channel: 'email',
    to: address.email,
    from: request.from.email,
    receivedAt,
    subject: personalization.subject ?? request.subject,
    text,
    html,
    templateId: request.templateId,
    customArgs: { ...request.customArgs, ...personalization.customArgs },
    categories: request.categories,
    headers: { ...request.headers, ...personalization.headers },
    ...(Object.keys(personalization.substitutions).length > 0 ? { substitutions: personalization.substitutions } : {}),
    // SendGrid gives each recipient its own id under the request's X-Message-Id.
    sgMessageId: `${messageId}.filterdrecv-sim-${recipientIndex}-0.0`,
    statuses: new StatusHistory(),
  };
}
