export type OptOutType = 'STOP' | 'START' | 'HELP';

/** Twilio's default opt-out keywords (providers.md §2); a keyword only counts as the whole message. */
const KEYWORDS: Record<string, OptOutType> = {
  STOP: 'STOP',
  STOPALL: 'STOP',
  UNSUBSCRIBE: 'STOP',
  CANCEL: 'STOP',
  END: 'STOP',
  QUIT: 'STOP',
  REVOKE: 'STOP',
  OPTOUT: 'STOP',
  START: 'START',
  YES: 'START',
  UNSTOP: 'START',
  HELP: 'HELP',
  INFO: 'HELP',
};

/** "stop", " Stop " → STOP; "stop please" or "stopp" → not a keyword. */
export function optOutTypeOf(body: string): OptOutType | undefined {
  return KEYWORDS[body.trim().toUpperCase()];
}
