import type { AlertKind, AlertText, CategoryRule, Language, MessageType, Urgency } from '@bin-alert/domain';

/**
 * What a delivery job says about its alert, read back from the alert's row (for deliveries sent
 * later than planned: redials, quiet hours) exactly as the expander put it in the first jobs.
 * Select ALERT_CONTENT_COLUMNS from `alerts a JOIN categories c ON c.code = a.category_code`.
 */
export interface StoredAlertContent {
  alertId: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  texts: Partial<Record<Language, AlertText>>;
  kind: AlertKind;
  messageType: MessageType;
  expiresAt: Date | null;
  category: string;
  categoryRule: CategoryRule;
}

export const ALERT_CONTENT_COLUMNS =
  'a.id AS alert_id, a.urgency, a.redistribution_allowed, a.texts, a.kind, a.message_type, a.expires_at, a.category_code, c.rule AS category_rule';

export interface AlertContentRow {
  alert_id: string;
  urgency: Urgency;
  redistribution_allowed: boolean;
  texts: Partial<Record<Language, AlertText>>;
  kind: AlertKind;
  message_type: MessageType;
  expires_at: Date | string | null;
  category_code: string;
  category_rule: CategoryRule;
}

export function alertContentFrom(row: AlertContentRow): StoredAlertContent {
  return {
    alertId: row.alert_id,
    urgency: row.urgency,
    redistributionAllowed: row.redistribution_allowed,
    texts: row.texts,
    kind: row.kind,
    messageType: row.message_type,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    category: row.category_code,
    categoryRule: row.category_rule,
  };
}
