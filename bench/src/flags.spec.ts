import { readFlags } from './flags';

describe('bench tool flags', () => {
  it('reads flags one way: --flag value, --flag=value, switches, and every problem at once', () => {
    const seen: Array<[string, string | number]> = [];
    const reading = readFlags(['--on', '--n', '1_000', '--name=a=b', '--n', '0', '--odd', '--name'], (flag, value) => {
      if (flag === '--on') seen.push([flag, 'switch']);
      else if (flag === '--n') seen.push([flag, value.int(1, 5000)]);
      else if (flag === '--name') seen.push([flag, value.text()]);
      else return false;
      return true;
    });
    expect(seen).toEqual([
      ['--on', 'switch'],
      ['--n', 1000],
      ['--name', 'a=b'],
      ['--n', 0],
      ['--name', ''],
    ]);
    expect(reading).toEqual({
      help: false,
      problems: ['--n: expected an integer from 1 to 5000, got "0"', 'unknown option --odd', '--name needs a value'],
    });
    expect(readFlags(['-h'], () => false)).toEqual({ help: true, problems: [] });
  });
});
