import { CorrelatedLogger } from './app-logger';
import { acceptableCorrelationId, currentCorrelationId, withCorrelationId, withoutCorrelationId } from './correlation';

describe('correlation id', () => {
  it('is current inside withCorrelationId, across awaits and timers, and gone outside', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await withCorrelationId('abc-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return [currentCorrelationId(), await Promise.resolve().then(() => currentCorrelationId()), withoutCorrelationId(() => currentCorrelationId())];
    });
    expect(seen).toEqual(['abc-1', 'abc-1', undefined]);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('keeps the outer id when no id is given, and nests', () => {
    withCorrelationId('outer', () => {
      expect(withCorrelationId(undefined, () => currentCorrelationId())).toBe('outer');
      expect(withCorrelationId('inner', () => currentCorrelationId())).toBe('inner');
    });
  });

  it("accepts a caller's id only when it is a sane token", () => {
    expect(acceptableCorrelationId('op-2026-11-29.1:a_b')).toBe('op-2026-11-29.1:a_b');
    expect(acceptableCorrelationId('')).toBeUndefined();
    expect(acceptableCorrelationId('a b')).toBeUndefined();
    expect(acceptableCorrelationId('x'.repeat(129))).toBeUndefined();
    expect(acceptableCorrelationId(['a', 'b'])).toBeUndefined();
    expect(acceptableCorrelationId('line\nbreak')).toBeUndefined();
  });
});

describe('CorrelatedLogger', () => {
  const capture = (work: (logger: CorrelatedLogger) => void): Array<Record<string, unknown>> => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      work(new CorrelatedLogger('test-app', { json: true }));
    } finally {
      spy.mockRestore();
    }
    return lines.map((l) => JSON.parse(l));
  };

  it('adds the current correlation id to every JSON line, and nothing when there is none', () => {
    const [inside, outside] = capture((logger) => {
      withCorrelationId('corr-7', () => logger.log({ msg: 'alert expanded', alertId: 'a1' }, 'expander-sms'));
      logger.log({ msg: 'consuming' }, 'dispatcher');
    });
    expect(inside).toMatchObject({ level: 'log', context: 'expander-sms', message: { msg: 'alert expanded', alertId: 'a1' }, correlationId: 'corr-7' });
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('keeps the id a line names itself', () => {
    const [line] = capture((logger) => withCorrelationId('request-id', () => logger.log({ msg: 'x', correlationId: 'alert-id' })));
    expect(line.correlationId).toBe('alert-id');
  });
});
