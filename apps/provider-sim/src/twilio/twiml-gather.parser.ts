import { xmlAttribute } from './xml-text';

const GATHER_ELEMENT = /<Gather\b([^>]*?)\/?>/;

export interface TwimlGather {
  /** Where the digits are posted: `action` resolved against the document URL, else the document URL itself. */
  actionUrl?: string;
  timeoutSeconds: number;
}

/**
 * The first `<Gather>` of a TwiML document, if any. Without `action` Twilio posts the digits to
 * the document's own URL; an inline-Twiml call has none, so its digits go nowhere.
 */
export function parseGather(twiml: string, documentUrl: string | undefined): TwimlGather | undefined {
  const match = GATHER_ELEMENT.exec(twiml);
  if (!match) return undefined;
  const attributes = match[1] ?? '';
  const action = xmlAttribute(attributes, 'action');
  const timeout = Number(xmlAttribute(attributes, 'timeout') ?? '5');
  return { actionUrl: resolveAction(action, documentUrl), timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : 5 };
}

function resolveAction(action: string | undefined, documentUrl: string | undefined): string | undefined {
  if (action === undefined || action === '') return documentUrl;
  // An absolute action is used exactly as written, since that is the string Twilio signs.
  if (/^https?:\/\//i.test(action)) return action;
  if (documentUrl === undefined) return undefined;
  try {
    return new URL(action, documentUrl).toString();
  } catch {
    return undefined;
  }
}
