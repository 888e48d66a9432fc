import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore, NewMessage } from '../inbox/message-store';
import { StatusHistory } from '../inbox/status-history';
import { randomBase64Url16 } from '../random/random-ids';
import { SimRandom } from '../random/sim-random';
import { SimStats } from '../stats/sim-stats';
import { decideEmailFate } from './email-fate';
import { EmailLifecycle } from './email-lifecycle';
import { SendGridApiError } from './sendgrid-api.error';
import { MailSendRequest, RECIPIENT_KINDS } from './mail-send.request';
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
  ) {}

  send(body: unknown): MailSendOutcome {
    const prng = this.random.next('sendgridMail');
    const validation = validateMailSend(body);
    if (!validation.ok) {
      this.stats.rejected('email', 400);
      throw new SendGridApiError(400, validation.errors);
    }
    const { request } = validation;
    const messageId = randomBase64Url16();
    // Sandbox mode is answered but never delivered, so nothing is recorded and no event follows.
    if (!request.sandbox) {
      const received = receivedMessages(request, messageId, new Date());
      const rates = this.config.current.email;
      const fates = received.map((message) => decideEmailFate(message.to, rates, prng));
      const recipients = received.map((message, i) => {
        const deliveryId = message.customArgs?.delivery_id;
        if (this.stats.accepted('email', deliveryId ?? `${message.to}\n${message.subject ?? ''}`)) {
          this.logger.warn({ msg: 'e-mail accepted a second time (same delivery_id)', id: messageId, deliveryId });
        }
        return { message: this.store.record(message), fate: fates[i] };
      });
      this.stats.emailRequestAccepted();
      this.lifecycle.start(messageId, recipients, prng);
      this.logger.debug({ msg: 'mail accepted', id: messageId, recipients: received.length });
    }
    return { messageId, sandbox: request.sandbox };
  }
}

function receivedMessages(request: MailSendRequest, messageId: string, now: Date): NewMessage[] {
  const text = request.content.find((block) => block.type === 'text/plain')?.value;
  const html = request.content.find((block) => block.type === 'text/html')?.value;
  // One string for every recipient of the request, as the content is.
  const receivedAt = now.toISOString();
  let recipientIndex = 0;
  return request.personalizations.flatMap((personalization) =>
    RECIPIENT_KINDS.flatMap((kind) =>
      personalization[kind].map((address): NewMessage => {
        recipientIndex += 1;
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
      }),
    ),
  );
}
