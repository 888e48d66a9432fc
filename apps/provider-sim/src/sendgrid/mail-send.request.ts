/** A /v3/mail/send body once validated, reduced to what the simulator records. */

export interface EmailAddress {
  email: string;
  name?: string;
}

export const RECIPIENT_KINDS = ['to', 'cc', 'bcc'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export interface Personalization extends Record<RecipientKind, EmailAddress[]> {
  subject?: string;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
  /** Tag → value, replaced in this personalization's subject, text and HTML. */
  substitutions: Record<string, string>;
}

export interface MailContent {
  type: string;
  value: string;
}

export interface MailSendRequest {
  personalizations: Personalization[];
  from: EmailAddress;
  subject?: string;
  content: MailContent[];
  templateId?: string;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
  categories: string[];
  /** mail_settings.sandbox_mode.enable: validated and answered, never delivered. */
  sandbox: boolean;
}
