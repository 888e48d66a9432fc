/** One Server-Sent Event as the wire format defines it (event name defaults to "message"). */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Parses a text/event-stream read in chunks that may split lines and events anywhere. Only what
 * the console's streams use: `event`, `data` (several lines joined), comments ignored; `retry`
 * is handed back so the caller can honour the server's reconnection delay.
 */
export function createSseParser(onEvent: (event: ServerSentEvent) => void, onRetry: (ms: number) => void = () => {}) {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  };
  return (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.search(/\r\n|\r|\n/); end !== -1; end = buffer.search(/\r\n|\r|\n/)) {
      const newline = buffer.startsWith('\r\n', end) ? 2 : 1;
      line(buffer.slice(0, end));
      buffer = buffer.slice(end + newline);
    }
  };
}
