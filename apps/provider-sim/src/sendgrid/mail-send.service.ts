import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MessageStore } from '../inbox/message-store';
import { SimMessage } from '../inbox/sim-message';
import { SendGridApiError } from './sendgrid-api.error';
import { MailSendRequest, RECIPIENT_KINDS } from './mail-send.request';
import { validateMailSend } from './mail-send.validator';

export interface MailSendOutcome {
  /** 22 URL-safe characters, like `LRzXl_NHStOGhQ4kofSm_A`; the prefix of every event's sg_message_id. */
  messageId: string;
  sandbox: boolean;
}

/** POST /v3/mail/send: validate, then one received message per recipient address. */
@Injectable()
export class MailSendService {
  private readonly logger = new Logger('SendGridMailSend');

  constructor(private readonly store: MessageStore) {}

  send(body: unknown): MailSendOutcome {
    const validation = validateMailSend(body);
    if (!validation.ok) throw new SendGridApiError(400, validation.errors);
    const { request } = validation;
    const messageId = randomBytes(16).toString('base64url');
    // Sandbox mode is answered but never delivered, so nothing is recorded.
    if (!request.sandbox) {
      const received = receivedMessages(request, messageId, new Date());
      received.forEach((message) => this.store.record(message));
      this.logger.log({ msg: 'mail accepted', id: messageId, recipients: received.length });
    }
    return { messageId, sandbox: request.sandbox };
  }
}

function receivedMessages(request: MailSendRequest, messageId: string, now: Date): SimMessage[] {
  const text = request.content.find((block) => block.type === 'text/plain')?.value;
  const html = request.content.find((block) => block.type === 'text/html')?.value;
  return request.personalizations.flatMap((personalization) =>
    RECIPIENT_KINDS.flatMap((kind) =>
      personalization[kind].map(
        (address): SimMessage => ({
          id: messageId,
          channel: 'email',
          to: address.email,
          from: request.from.email,
          receivedAt: now.toISOString(),
          subject: personalization.subject ?? request.subject,
          text,
          html,
          templateId: request.templateId,
          customArgs: { ...request.customArgs, ...personalization.customArgs },
          categories: request.categories,
          headers: { ...request.headers, ...personalization.headers },
        }),
      ),
    ),
  );
}
