import { CircuitBreakerSettings, CircuitState, DEFAULT_CIRCUIT_BREAKER, ErrorRateBreaker, chooseSmsRoute } from './sms-routing';

const SETTINGS: CircuitBreakerSettings = { windowSize: 10, windowMs: 60_000, minimumOutcomes: 4, failureRateThreshold: 0.5, openMs: 30_000, halfOpenTrials: 2 };

/** `ok`/`fail`: an outcome; `admit`/`refuse`: a call asked for and whether it was admitted; `t+N`: N ms pass. */
type Step = 'ok' | 'fail' | 'admit' | 'refuse' | `t+${number}`;

function run(steps: Step[], settings = SETTINGS): CircuitState {
  const breaker = new ErrorRateBreaker(settings);
  let now = 1_000_000;
  for (const [i, step] of steps.entries()) {
    if (step.startsWith('t+')) now += Number(step.slice(2));
    else if (step === 'ok' || step === 'fail') breaker.record(step === 'fail', now);
    else if (breaker.admits(now) !== (step === 'admit')) throw new Error(`step ${i}: expected ${step}, state ${breaker.state(now)}`);
  }
  return breaker.state(now);
}

describe('the error-rate circuit breaker', () => {
  it.each<[string, Step[], CircuitState]>([
    ['starts closed and admits calls', ['admit'], 'closed'],
    ['stays closed below the minimum number of outcomes, however many failed', ['fail', 'fail', 'fail', 'admit'], 'closed'],
    ['opens when half the window failed, once the minimum is reached', ['ok', 'fail', 'ok', 'fail', 'refuse'], 'open'],
    ['stays closed below the threshold', ['ok', 'ok', 'fail', 'ok', 'ok', 'fail', 'ok', 'admit'], 'closed'],
    // 5 of all 15 failed, but 5 of the latest 10: older successes no longer dilute the failures.
    ['judges the latest windowSize outcomes only', ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'fail', 'fail', 'fail', 'fail', 'ok', 'ok', 'ok', 'ok', 'fail', 'refuse'], 'open'],
    ['forgets outcomes older than windowMs', ['fail', 'fail', 'fail', 't+61000', 'fail', 'ok', 'ok', 'ok'], 'closed'],
    ['ignores outcomes of calls that were in flight while open', ['fail', 'fail', 'fail', 'fail', 'ok', 'ok', 'ok', 'refuse'], 'open'],
    ['turns half-open after openMs and admits that many trial calls', ['fail', 'fail', 'fail', 'fail', 't+30000', 'admit', 'admit', 'refuse'], 'half_open'],
    ['closes when the trials succeed, with an empty window', ['fail', 'fail', 'fail', 'fail', 't+30000', 'admit', 'admit', 'ok', 'ok', 'fail', 'fail', 'fail', 'admit'], 'closed'],
    [
      'opens again when a trial fails, for another openMs',
      ['fail', 'fail', 'fail', 'fail', 't+30000', 'admit', 'fail', 'refuse', 't+29999', 'refuse', 't+1', 'admit'],
      'half_open',
    ],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps)).toBe(expected);
  });

  it('by default opens on 10 failures in a row of a route that worked, not on one transient error', () => {
    expect(run([...Array<Step>(30).fill('ok'), 'fail', 'ok', 'fail'], DEFAULT_CIRCUIT_BREAKER)).toBe('closed');
    expect(run([...Array<Step>(30).fill('ok'), ...Array<Step>(10).fill('fail')], DEFAULT_CIRCUIT_BREAKER)).toBe('open');
  });
});

describe('the SMS route of the next attempt', () => {
  const open = () => {
    const breaker = new ErrorRateBreaker(SETTINGS);
    for (let i = 0; i < 4; i++) breaker.record(true, 0);
    return breaker;
  };
  const closed = () => new ErrorRateBreaker(SETTINGS);

  it.each([
    ['urgent', 'urgent', 'closed', 'closed', 'primary'],
    ['urgent', 'urgent', 'open', 'closed', 'secondary'],
    ['normal', 'urgent', 'open', 'closed', 'primary'],
    ['normal', 'all', 'open', 'closed', 'secondary'],
    ['urgent', 'urgent', 'open', 'open', 'primary'],
    ['urgent', 'urgent', 'open', 'none', 'primary'],
  ] as const)('%s alert, second route for %s, primary %s, secondary %s: %s', (urgency, use, primary, secondary, expected) => {
    const breakers = { primary: primary === 'open' ? open() : closed(), secondary: secondary === 'none' ? null : secondary === 'open' ? open() : closed() };
    expect(chooseSmsRoute(urgency, use, breakers, 1_000)).toBe(expected);
  });
});
