import { readCallbackPathArgs } from './callback-path-args';

describe('callback-path arguments', () => {
  it('reads a switch before a flag with a value, and --flag=value', () => {
    const { options, reading } = readCallbackPathArgs(['--backlog', '--messages', '10000', '--fifo', '--concurrency=64']);
    expect(reading).toEqual({ help: false, problems: [] });
    expect(options).toMatchObject({ messages: 10_000, backlog: true, fifo: true, concurrency: 64, emailBatch: null, prof: null });
  });

  it('defaults to 5,000 messages, 256 at a time, SMS, this build’s tracker', () => {
    const { options, reading } = readCallbackPathArgs([]);
    expect(reading.problems).toEqual([]);
    expect(options).toMatchObject({ messages: 5_000, concurrency: 256, backlog: false, fifo: false, emailBatch: null, projectionGroup: null });
    expect(options.trackerMain).toMatch(/apps\/tracker\/src\/main\.js$/);
  });

  it('reads the paths and the e-mail batch', () => {
    const { options } = readCallbackPathArgs(['--email-batch', '100', '--prof', '/tmp/p', '--tracker-main', '/other/main.js', '--projection-group', 'g']);
    expect(options).toMatchObject({ emailBatch: 100, prof: '/tmp/p', trackerMain: '/other/main.js', projectionGroup: 'g' });
  });

  it('says every problem at once: unknown flags, missing and malformed values, --fifo alone', () => {
    const { reading } = readCallbackPathArgs(['--fifo', '--mesages', '5', '--messages', 'many', '--concurrency']);
    expect(reading.problems).toEqual([
      'unknown option --mesages',
      'unknown option 5',
      '--messages: expected an integer from 1 to 1000000, got "many"',
      '--concurrency needs a value',
      '--fifo goes with --backlog',
    ]);
  });

  it('asks for the usage with --help', () => {
    expect(readCallbackPathArgs(['--help']).reading.help).toBe(true);
  });
});
