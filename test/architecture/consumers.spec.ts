import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, isTestFile, sourceFiles } from './source-files';

/**
 * One way to consume (issue 15, item 4; ADR 0002): a consumer is an `@EventPattern(topic,
 * consumerGroup({ … }))` method of a controller, started by the app's MessageBusServer, where a
 * Nest developer looks for it. Only that server subscribes to the MessageBus; a hand-made
 * `bus.consume(…)` in an app or a lib would be a consumer nobody finds and that no app starts
 * with its other consumers.
 */
const THE_SERVER = 'libs/messaging/src/message-bus.server.ts';

describe('consumers: @EventPattern handlers only', () => {
  it('has no code but the MessageBusServer call MessageBus.consume', () => {
    const callers = [...sourceFiles('apps'), ...sourceFiles('libs')].filter((file) => !isTestFile(file) && /\.consume\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(callers).toEqual([THE_SERVER]);
  });
});
