import { FlagDeclaration, flagUsage, readFlagList, readFlags } from './flags';

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

  interface Options {
    size: number;
    names: string[];
    out: string | null;
    dry: boolean;
  }
  const FLAGS: ReadonlyArray<FlagDeclaration<Options>> = [
    { name: '--size', key: 'size', kind: 'int', arg: 'N', min: 1, max: 5000, default: 100, help: 'how many (default {default}, at most {max})' },
    {
      name: '--name',
      key: 'names',
      kind: 'text',
      arg: 'a,b',
      default: ['x'],
      help: 'names; again for more\nunknown ones are refused',
      parse: (text, { previous, problem }) => {
        const names = text.split(',');
        for (const n of names) if (n === 'bad') problem(`--name: unknown '${n}'`);
        return [...previous, ...names];
      },
    },
    { name: '--out', key: 'out', kind: 'text', arg: 'FILE', default: null, help: 'where to write' },
    { name: '--dry', key: 'dry', kind: 'switch', help: 'do nothing' },
  ];

  it('starts a declared list’s options from its defaults, a copy of each', () => {
    const first = readFlagList([], FLAGS);
    expect(first).toEqual({ options: { size: 100, names: ['x'], out: null, dry: false }, reading: { help: false, problems: [] } });
    first.options.names.push('changed');
    expect(readFlagList([], FLAGS).options.names).toEqual(['x']);
  });

  it('reads a declared list: each kind, a repeated flag on what came before, what a parse refuses after what could not be read', () => {
    const { options, reading } = readFlagList(['--dry', '--size=1_000', '--name', 'a,bad', '--name', 'b', '--out', 'f.json', '--size', '0', '--nope'], FLAGS);
    expect(options).toEqual({ size: 0, names: ['x', 'a', 'bad', 'b'], out: 'f.json', dry: true });
    expect(reading).toEqual({ help: false, problems: ['--size: expected an integer from 1 to 5000, got "0"', 'unknown option --nope', "--name: unknown 'bad'"] });
    expect(readFlagList(['--help'], FLAGS).reading.help).toBe(true);
  });

  it('writes the usage from the same list: aligned, defaults and ranges from the declarations', () => {
    expect(flagUsage('tool [options]', FLAGS, 'Environment: none.')).toBe(
      [
        'tool [options]',
        '  --size N    how many (default 100, at most 5000)',
        '  --name a,b  names; again for more',
        '              unknown ones are refused (default x)',
        '  --out FILE  where to write',
        '  --dry       do nothing',
        'Environment: none.',
      ].join('\n'),
    );
  });
});
