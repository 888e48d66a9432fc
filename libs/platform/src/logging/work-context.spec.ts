import { AsyncLocalStorage } from 'node:async_hooks';
import { startTracing, stopTracing, traceContextFrom, traceHeaders, inSpan, inTraceContext, withoutTraceContext } from '../tracing/tracing';
import { currentCorrelationId, withCorrelationId, withoutCorrelationId } from './correlation';
import { hasWorkMark, withWorkMark } from './work-context';

const TRACE_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const MARK = Symbol('test mark');
const tick = () => new Promise((r) => setTimeout(r, 1));

describe("the work's context (correlation id, trace context, marks)", () => {
  beforeEach(() => startTracing({}, 'test'));
  afterEach(() => stopTracing());

  it('lives in one AsyncLocalStorage: on Node 20 each enabled storage costs every promise of the process (ADR 0060)', async () => {
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    try {
      await withCorrelationId('corr-1', () =>
        withWorkMark(MARK, () => inSpan('process x', { parent: traceContextFrom({ traceparent: TRACE_PARENT }) }, async () => withoutCorrelationId(() => tick()))),
      );
      expect(new Set(run.mock.contexts).size).toBe(1);
    } finally {
      run.mockRestore();
    }
  });

  it('keeps the correlation id and the marks when the trace context is replaced, and the trace when the id is dropped', async () => {
    const seen = await withCorrelationId('corr-2', () =>
      withWorkMark(MARK, () =>
        inTraceContext(traceContextFrom({ traceparent: TRACE_PARENT }), async () => {
          await tick();
          return {
            inTrace: [currentCorrelationId(), hasWorkMark(MARK), traceHeaders()],
            outsideTrace: withoutTraceContext(() => [currentCorrelationId(), hasWorkMark(MARK), traceHeaders()]),
            withoutId: withoutCorrelationId(() => [currentCorrelationId(), hasWorkMark(MARK), traceHeaders()]),
          };
        }),
      ),
    );
    expect(seen).toEqual({
      inTrace: ['corr-2', true, { traceparent: TRACE_PARENT }],
      outsideTrace: ['corr-2', true, {}],
      withoutId: [undefined, true, { traceparent: TRACE_PARENT }],
    });
    expect([currentCorrelationId(), hasWorkMark(MARK), traceHeaders()]).toEqual([undefined, false, {}]);
  });

  it('carries a mark across awaits and timers, and only inside the work that set it', async () => {
    const inside = withWorkMark(MARK, async () => {
      await tick();
      return [hasWorkMark(MARK), await Promise.resolve().then(() => hasWorkMark(MARK))];
    });
    const beside = (async () => {
      await tick();
      return hasWorkMark(MARK);
    })();
    expect(await inside).toEqual([true, true]);
    expect(await beside).toBe(false);
  });
});
