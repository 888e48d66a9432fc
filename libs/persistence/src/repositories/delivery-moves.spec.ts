import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DELIVERY_STATUSES, DISPATCH_MOVES, DeliveryMove, SENDER_OUTCOME_MOVES, VOICE_REDIAL, isPermittedDeliveryMove } from '@bin-alert/domain';

/**
 * The repositories that move deliveries take every status from the domain's state machine
 * (DISPATCH_MOVES, SENDER_OUTCOME_MOVES, VOICE_REDIAL) as SQL parameters: what they do is what the
 * domain permits, and the domain lists no move that nothing makes. What each statement does to
 * the rows is the int-specs' business (delivery, channel fallback, voice redial).
 */
const MOVERS = ['delivery.repository.ts', 'channel-fallback.repository.ts', 'voice-redial.repository.ts'];
const source = (file: string) => readFileSync(join(__dirname, file), 'utf8');
const everySource = MOVERS.map(source).join('\n');

/** A deliveries row's status compared with or set to a literal: `status = 'planned'`, `d.status IN ('sending', …)`. */
const STATUS_LITERAL = new RegExp(String.raw`(?<![\w.])(?:d\.|deliveries\.)?status\s*(?:=|<>|IN)\s*\(?\s*'(?:${DELIVERY_STATUSES.join('|')})'`, 'gi');

describe("the dispatcher's delivery moves", () => {
  it.each(MOVERS)('%s writes no delivery status of its own in SQL', (file) => {
    expect(source(file).match(STATUS_LITERAL) ?? []).toEqual([]);
  });

  const moves: Array<[string, DeliveryMove]> = [...Object.entries(DISPATCH_MOVES), ['VOICE_REDIAL', VOICE_REDIAL]];
  it.each(moves)('%s is a move the domain permits', (_, move) => {
    for (const from of move.from) expect([from, move.to, isPermittedDeliveryMove(from, move.to)]).toEqual([from, move.to, true]);
  });

  it.each(Object.keys(DISPATCH_MOVES))('DISPATCH_MOVES.%s is made by a repository', (name) => {
    const outcome = Object.entries(SENDER_OUTCOME_MOVES).find(([, move]) => move === DISPATCH_MOVES[name as keyof typeof DISPATCH_MOVES]);
    // A move is made where its from-statuses guard a statement; a sender's outcome through
    // SENDER_OUTCOME_MOVES, looked up by the outcome the sender reports.
    const made = outcome ? /SENDER_OUTCOME_MOVES\[o\.status\]\.from/.test(everySource) : new RegExp(String.raw`DISPATCH_MOVES\.${name}\.from`).test(everySource);
    expect(made).toBe(true);
  });

  it('VOICE_REDIAL is made by a repository', () => {
    expect(everySource).toMatch(/VOICE_REDIAL\.from/);
  });
});
