import { ServerSentEvent, createSseParser } from './sse';

describe('console SSE parser', () => {
  it('reads events split anywhere across chunks, ignoring comments, joining data lines', () => {
    const events: ServerSentEvent[] = [];
    const retries: number[] = [];
    const push = createSseParser(
      (e) => events.push(e),
      (ms) => retries.push(ms),
    );
    const stream = 'retry: 3000\n\nevent: dashboard\ndata: {"a":1}\n\n: still here\n\ndata: line one\r\ndata: line two\r\n\r\n';
    for (const chunk of stream.match(/.{1,5}/gs)!) push(chunk);
    expect(retries).toEqual([3000]);
    expect(events).toEqual([
      { event: 'dashboard', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two' },
    ]);
  });

  it('holds an event back until its blank line arrives', () => {
    const events: ServerSentEvent[] = [];
    const push = createSseParser((e) => events.push(e));
    push('event: dashboard\ndata: {}\n');
    expect(events).toEqual([]);
    push('\n');
    expect(events).toHaveLength(1);
  });
});
