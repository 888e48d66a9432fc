import { CHANNELS, DELIVERY_STATUSES, DeliveryStatus, TRACKED_DELIVERY_STATUSES } from '../vocabulary';
import {
  DISPATCH_MOVES,
  DeliveryMove,
  HELD_BY_SENDER,
  REDIALABLE_CALL_STATUSES,
  RedialCandidate,
  SENDER_OUTCOME_MOVES,
  isPermittedDeliveryMove,
  isTerminalDeliveryStatus,
  isVoiceAcknowledgement,
  mapSendGridEvent,
  mapTwilioCallStatus,
  mapTwilioMessageStatus,
  nextDeliveryStatus,
  reasonSlug,
  redialOf,
} from './delivery-state';

/** Every move of the state machine after the hand-over, by what makes it: the whole table. */
const CALLBACK_MOVES: Record<DeliveryStatus, DeliveryStatus[]> = {
  planned: [],
  suppressed: [],
  sending: ['accepted', 'sent', 'deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'],
  accepted: ['sent', 'deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'],
  sent: ['deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'],
  deferred: ['answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'],
  answered: ['delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'],
  delivered: [],
  undelivered: [],
  bounced: [],
  no_answer: [],
  busy: [],
  failed: [],
};
/** The redial's moves (voice only, while redials remain, after the delay). */
const REDIAL_MOVES: Partial<Record<DeliveryStatus, DeliveryStatus>> = { no_answer: 'planned', busy: 'planned' };

describe('the delivery state machine, move by move', () => {
  it.each(DELIVERY_STATUSES.map((from) => [from, CALLBACK_MOVES[from]] as const))('a callback moves %s only to %j', (from, to) => {
    expect(DELIVERY_STATUSES.filter((incoming) => nextDeliveryStatus(from, incoming) !== null)).toEqual(to);
  });

  it.each(DELIVERY_STATUSES.map((from) => [from, REDIAL_MOVES[from] ?? null] as const))('a redial moves a call that ended %s to %s', (status, to) => {
    const due = redialOf({ channel: 'voice', status, redials: 0, statusUpdatedAt: new Date(0) }, { maxRedials: 1, delaySeconds: 0 }, new Date());
    expect(due?.status ?? null).toBe(to);
  });

  it('leaves terminal statuses only by a redial, and only those where nobody heard the call', () => {
    expect(REDIALABLE_CALL_STATUSES).toEqual(['no_answer', 'busy']);
    for (const status of REDIALABLE_CALL_STATUSES) expect(isTerminalDeliveryStatus(status)).toBe(true);
  });
});

describe('redialOf', () => {
  const now = new Date('2026-12-06T10:00:00Z');
  const endedAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const policy = { maxRedials: 2, delaySeconds: 120 };
  const call = (over: Partial<RedialCandidate>): RedialCandidate => ({ channel: 'voice', status: 'no_answer', redials: 0, statusUpdatedAt: endedAgo(600), ...over });

  it.each([
    ['no answer, first redial', call({}), policy, { status: 'planned', redials: 1 }],
    ['busy line, first redial', call({ status: 'busy' }), policy, { status: 'planned', redials: 1 }],
    ['no answer again, second redial', call({ redials: 1 }), policy, { status: 'planned', redials: 2 }],
    ['busy again, second redial', call({ status: 'busy', redials: 1 }), policy, { status: 'planned', redials: 2 }],
    ['no redial left', call({ redials: 2 }), policy, null],
    ['more redials than the policy allows now', call({ redials: 3 }), policy, null],
    ['redials turned off', call({}), { maxRedials: 0, delaySeconds: 120 }, null],
    ['the delay has just passed', call({ statusUpdatedAt: endedAgo(120) }), policy, { status: 'planned', redials: 1 }],
    ['the delay has not passed', call({ statusUpdatedAt: endedAgo(119) }), policy, null],
    ['no delay', call({ statusUpdatedAt: now }), { maxRedials: 2, delaySeconds: 0 }, { status: 'planned', redials: 1 }],
    ['the call was heard', call({ status: 'delivered' }), policy, null],
    ['the call failed', call({ status: 'failed' }), policy, null],
    ['the call is ringing', call({ status: 'sent' }), policy, null],
    ['the redial is planned already', call({ status: 'planned', redials: 1 }), policy, null],
    ['not a call', call({ channel: 'sms' }), policy, null],
  ] as const)('%s', (_, delivery, redialPolicy, expected) => {
    expect(redialOf(delivery, redialPolicy, now)).toEqual(expected);
  });

  it('plans a call again exactly when it is voice, nobody heard it, redials remain and the delay passed', () => {
    for (const channel of CHANNELS) {
      for (const status of DELIVERY_STATUSES) {
        for (const redials of [0, 1, 2, 3]) {
          for (const ago of [0, 119, 120, 3600]) {
            const due = channel === 'voice' && (status === 'no_answer' || status === 'busy') && redials < policy.maxRedials && ago >= policy.delaySeconds;
            const redial = redialOf({ channel, status, redials, statusUpdatedAt: endedAgo(ago) }, policy, now);
            expect([channel, status, redials, ago, redial]).toEqual([channel, status, redials, ago, due ? { status: 'planned', redials: redials + 1 } : null]);
          }
        }
      }
    }
  });

  it('ends after the first call and every redial: 1 + maxRedials calls at most', () => {
    let delivery = call({});
    let calls = 1;
    for (let redial = redialOf(delivery, policy, now); redial; redial = redialOf(delivery, policy, now)) {
      calls++;
      delivery = { ...delivery, redials: redial.redials, status: 'busy' };
    }
    expect(calls).toBe(1 + policy.maxRedials);
  });
});

describe('nextDeliveryStatus', () => {
  // current, incoming → expected (null = the callback is ignored)
  const table: Array<[DeliveryStatus, DeliveryStatus, DeliveryStatus | null]> = [
    // SMS in order: accepted → sent → delivered
    ['accepted', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['accepted', 'delivered', 'delivered'],
    // out of order: a late `sent` never overwrites `delivered`
    ['delivered', 'sent', null],
    ['delivered', 'accepted', null],
    ['undelivered', 'sent', null],
    // repeated
    ['sent', 'sent', null],
    ['delivered', 'delivered', null],
    ['deferred', 'deferred', null],
    // terminal is final, whichever terminal arrives next
    ['delivered', 'failed', null],
    ['failed', 'delivered', null],
    ['undelivered', 'delivered', null],
    ['bounced', 'delivered', null],
    ['no_answer', 'delivered', null],
    ['busy', 'no_answer', null],
    ['delivered', 'bounced', null],
    // SMS failures
    ['sent', 'undelivered', 'undelivered'],
    ['accepted', 'failed', 'failed'],
    // e-mail: processed (sent) → deferred → delivered | bounced; a late processed is stale
    ['accepted', 'deferred', 'deferred'],
    ['sent', 'deferred', 'deferred'],
    ['deferred', 'delivered', 'delivered'],
    ['deferred', 'bounced', 'bounced'],
    ['deferred', 'sent', null],
    ['sent', 'bounced', 'bounced'],
    // voice: initiated/ringing (sent) → in-progress (answered) → completed (delivered)
    ['accepted', 'answered', 'answered'],
    ['sent', 'answered', 'answered'],
    ['answered', 'sent', null],
    ['answered', 'delivered', 'delivered'],
    ['sent', 'no_answer', 'no_answer'],
    ['sent', 'busy', 'busy'],
    ['answered', 'failed', 'failed'],
    // a callback that beats the dispatcher's own outcome moves the claimed row on
    ['sending', 'accepted', 'accepted'],
    ['sending', 'sent', 'sent'],
    ['sending', 'delivered', 'delivered'],
    // never touched by callbacks
    ['planned', 'sent', null],
    ['planned', 'delivered', null],
    ['suppressed', 'delivered', null],
    ['suppressed', 'failed', null],
    // callbacks never report the dispatcher's own statuses
    ['accepted', 'sending', null],
    ['accepted', 'planned', null],
    ['accepted', 'suppressed', null],
    ['sending', 'planned', null],
  ];

  it.each(table)('%s + %s → %s', (current, incoming, expected) => {
    expect(nextDeliveryStatus(current, incoming)).toBe(expected);
  });

  const allPairs = DELIVERY_STATUSES.flatMap((current) => DELIVERY_STATUSES.map((incoming) => [current, incoming] as const));

  it('never leaves a terminal status, for any pair', () => {
    for (const [current, incoming] of allPairs) {
      if (isTerminalDeliveryStatus(current)) expect([current, incoming, nextDeliveryStatus(current, incoming)]).toEqual([current, incoming, null]);
    }
  });

  it('never touches planned or suppressed, and only ever moves to a status a provider can report', () => {
    for (const [current, incoming] of allPairs) {
      const next = nextDeliveryStatus(current, incoming);
      if (current === 'planned' || current === 'suppressed') expect(next).toBeNull();
      if (next !== null) {
        expect(next).toBe(incoming);
        expect(TRACKED_DELIVERY_STATUSES).toContain(next);
      }
    }
  });

  it('is monotonic: once moved from a to b, nothing brings it back to a', () => {
    for (const [current, incoming] of allPairs) {
      const next = nextDeliveryStatus(current, incoming);
      if (next !== null) expect(nextDeliveryStatus(next, current)).toBeNull();
    }
  });

  it('ends in the same place whatever order a full SMS, e-mail or call history arrives in', () => {
    const histories: DeliveryStatus[][] = [
      ['sent', 'delivered'],
      ['sent', 'deferred', 'deferred', 'delivered'],
      ['sent', 'answered', 'delivered'],
      ['sent', 'undelivered'],
    ];
    for (const history of histories) {
      for (const order of permutations(history)) {
        const final = order.reduce<DeliveryStatus>((status, incoming) => nextDeliveryStatus(status, incoming) ?? status, 'accepted');
        expect([order, final]).toEqual([order, history[history.length - 1]]);
      }
    }
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('mapTwilioMessageStatus', () => {
  it.each([
    ['queued', undefined, { status: 'accepted' }],
    ['accepted', undefined, { status: 'accepted' }],
    ['scheduled', undefined, { status: 'accepted' }],
    ['sending', undefined, { status: 'accepted' }],
    ['sent', undefined, { status: 'sent' }],
    ['delivered', undefined, { status: 'delivered' }],
    ['DELIVERED', undefined, { status: 'delivered' }],
    ['read', undefined, { status: 'delivered' }],
    ['undelivered', '30003', { status: 'undelivered', reason: 'unreachable_handset', errorCode: '30003' }],
    ['undelivered', '30005', { status: 'undelivered', reason: 'unknown_handset', errorCode: '30005' }],
    ['undelivered', '30006', { status: 'undelivered', reason: 'landline_or_unreachable_carrier', errorCode: '30006' }],
    ['undelivered', '30007', { status: 'undelivered', reason: 'carrier_filtered', errorCode: '30007' }],
    ['undelivered', '30008', { status: 'undelivered', reason: 'unknown_error', errorCode: '30008' }],
    ['undelivered', undefined, { status: 'undelivered', reason: 'carrier_undelivered' }],
    ['undelivered', '', { status: 'undelivered', reason: 'carrier_undelivered' }],
    ['failed', '30001', { status: 'failed', reason: 'queue_overflow', errorCode: '30001' }],
    ['failed', '30002', { status: 'failed', reason: 'account_suspended', errorCode: '30002' }],
    ['failed', '21610', { status: 'failed', reason: 'recipient_unsubscribed', errorCode: '21610' }],
    ['failed', '39999', { status: 'failed', reason: 'twilio_error_39999', errorCode: '39999' }],
    ['failed', undefined, { status: 'failed', reason: 'provider_failed' }],
    ['canceled', undefined, { status: 'failed', reason: 'provider_canceled' }],
    ['received', undefined, null],
    ['receiving', undefined, null],
    ['something-new', undefined, null],
  ])('%s (ErrorCode %s) → %j', (status, code, expected) => {
    expect(mapTwilioMessageStatus(status, code)).toEqual(expected);
  });
});

describe('mapTwilioCallStatus', () => {
  it.each([
    ['queued', undefined, { status: 'accepted' }],
    ['initiated', undefined, { status: 'sent' }],
    ['ringing', undefined, { status: 'sent' }],
    ['in-progress', undefined, { status: 'answered' }],
    ['in-progress', 'human', { status: 'answered' }],
    ['in-progress', 'machine_start', { status: 'answered', reason: 'answered_by_machine' }],
    ['completed', undefined, { status: 'delivered' }],
    ['completed', 'human', { status: 'delivered' }],
    ['completed', 'unknown', { status: 'delivered' }],
    ['completed', 'machine_start', { status: 'delivered', reason: 'answered_by_machine' }],
    ['completed', 'machine_end_beep', { status: 'delivered', reason: 'answered_by_machine' }],
    ['completed', 'machine_end_silence', { status: 'delivered', reason: 'answered_by_machine' }],
    ['completed', 'machine_end_other', { status: 'delivered', reason: 'answered_by_machine' }],
    ['completed', 'fax', { status: 'failed', reason: 'answered_by_fax' }],
    ['busy', undefined, { status: 'busy', reason: 'line_busy' }],
    ['no-answer', undefined, { status: 'no_answer', reason: 'no_answer' }],
    ['failed', undefined, { status: 'failed', reason: 'call_failed' }],
    ['canceled', undefined, { status: 'failed', reason: 'call_canceled' }],
    ['on-hold', undefined, null],
  ])('%s (AnsweredBy %s) → %j', (status, answeredBy, expected) => {
    expect(mapTwilioCallStatus(status, answeredBy)).toEqual(expected);
  });
});

describe('mapSendGridEvent', () => {
  it.each([
    [{ event: 'processed' }, { status: 'sent' }],
    [{ event: 'deferred' }, { status: 'deferred' }],
    [{ event: 'delivered' }, { status: 'delivered' }],
    [{ event: 'open' }, { status: 'delivered' }],
    [{ event: 'click' }, { status: 'delivered' }],
    [
      { event: 'bounce', type: 'bounce', bounce_classification: 'Invalid Address' },
      { status: 'bounced', reason: 'invalid_address' },
    ],
    [
      { event: 'bounce', type: 'bounce' },
      { status: 'bounced', reason: 'hard_bounce' },
    ],
    [
      { event: 'bounce', type: 'blocked', bounce_classification: 'Reputation' },
      { status: 'bounced', reason: 'blocked' },
    ],
    [
      { event: 'dropped', reason: 'Bounced Address' },
      { status: 'failed', reason: 'dropped_bounced_address' },
    ],
    [
      { event: 'dropped', reason: 'Unsubscribed Address' },
      { status: 'failed', reason: 'dropped_unsubscribed_address' },
    ],
    [
      { event: 'dropped', reason: 'Spam Reporting Address' },
      { status: 'failed', reason: 'dropped_spam_reporting_address' },
    ],
    [{ event: 'dropped' }, { status: 'failed', reason: 'dropped' }],
    [{ event: 'spamreport' }, null],
    [{ event: 'unsubscribe' }, null],
    [{ event: 'group_unsubscribe' }, null],
    [{ event: 'group_resubscribe' }, null],
    [{ event: 'something_new' }, null],
  ])('%j → %j', (event, expected) => {
    expect(mapSendGridEvent(event)).toEqual(expected);
  });
});

describe('reasonSlug', () => {
  it.each([
    ['Bounced Address', 'bounced_address'],
    ['  Invalid!! ', 'invalid'],
    ['550 5.1.1 User unknown', '550_5_1_1_user_unknown'],
    ['x'.repeat(100), 'x'.repeat(60)],
  ])('%s → %s', (text, slug) => expect(reasonSlug(text)).toBe(slug));
});

describe('isVoiceAcknowledgement', () => {
  it.each([
    ['1', true],
    [' 1 ', true],
    ['2', false],
    ['11', false],
    ['', false],
    [undefined, false],
  ])('Digits %j → %s', (digits, expected) => expect(isVoiceAcknowledgement(digits)).toBe(expected));
});

describe('the whole delivery state machine, whoever moves', () => {
  /** Every permitted (from, to), read as a reviewer would check it against the design. */
  const EVERY_MOVE: Record<DeliveryStatus, DeliveryStatus[]> = {
    // claim; the channel fallback's suppressed → planned is a planner's, ending unsent ones the expiry's
    planned: ['sending', 'suppressed'],
    suppressed: ['planned'],
    // a lapsed lease taken over, or parked in doubt; held back to planned; the sender's outcomes; callbacks
    sending: ['planned', 'sending', ...CALLBACK_MOVES.sending],
    accepted: CALLBACK_MOVES.accepted,
    sent: CALLBACK_MOVES.sent,
    deferred: CALLBACK_MOVES.deferred,
    answered: CALLBACK_MOVES.answered,
    delivered: [],
    undelivered: [],
    bounced: [],
    // the voice redial
    no_answer: ['planned'],
    busy: ['planned'],
    failed: [],
  };

  it.each(DELIVERY_STATUSES.map((from) => [from, EVERY_MOVE[from]] as const))('%s may become exactly %j', (from, to) => {
    expect(DELIVERY_STATUSES.filter((next) => isPermittedDeliveryMove(from, next))).toEqual(DELIVERY_STATUSES.filter((next) => to.includes(next)));
  });

  it("makes every dispatcher's move one of the table's, and never leaves a terminal status but by the redial", () => {
    for (const move of Object.values(DISPATCH_MOVES) as DeliveryMove[]) {
      for (const from of move.from) {
        expect(isPermittedDeliveryMove(from, move.to)).toBe(true);
        expect(isTerminalDeliveryStatus(from)).toBe(false);
      }
    }
  });

  it("gives each of a sender's outcomes one move from the status a held delivery is in", () => {
    expect(Object.keys(SENDER_OUTCOME_MOVES).sort()).toEqual(['accepted', 'failed', 'held', 'in_doubt']);
    for (const move of Object.values(SENDER_OUTCOME_MOVES) as DeliveryMove[]) expect(move.from).toEqual([HELD_BY_SENDER]);
    expect(DISPATCH_MOVES.takeOver.to).toBe(DISPATCH_MOVES.claim.to);
  });
});
