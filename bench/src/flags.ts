/** One flag's value, as `readFlags` hands it to a tool's handler. */
export interface FlagValue {
  /** The value: the next argument, or what follows `=` (`--out=FILE`). */
  text(): string;
  /** The value as an integer from `min` to `max` (`1_000_000` is read as 1000000). */
  int(min: number, max?: number): number;
}

/** What `readFlags` found: `-h`/`--help` asked, and every problem at once. */
export interface FlagReading {
  help: boolean;
  problems: string[];
}

/**
 * The one way the bench tools read their flags: `--flag value` or `--flag=value`, a switch
 * (`--backlog`) takes nothing. `handle` sets what a flag means and returns false for a flag it
 * does not know; a missing or malformed value is a problem, collected with the others so that
 * the tool says all of them at once (`exitOnFlagProblems`).
 */
export function readFlags(argv: string[], handle: (flag: string, value: FlagValue) => boolean): FlagReading {
  const reading: FlagReading = { help: false, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string | undefined => {
      const v = inline ?? argv[++i];
      if (v === undefined) reading.problems.push(`${flag} needs a value`);
      return v;
    };
    const text = (): string => value() ?? '';
    const int = (min: number, max = Number.MAX_SAFE_INTEGER): number => {
      const raw = value();
      if (raw === undefined) return min;
      const n = Number(raw.replace(/_/g, ''));
      if (raw === '' || !Number.isInteger(n) || n < min || n > max) reading.problems.push(`${flag}: expected an integer from ${min} to ${max}, got "${raw}"`);
      return n;
    };
    if (flag === '-h' || flag === '--help') reading.help = true;
    else if (!handle(flag, { text, int })) reading.problems.push(`unknown option ${argv[i]}`);
  }
  return reading;
}

/** `--help`: the usage on stdout, exit 0; problems: each on stderr with the usage, exit 2. */
export function exitOnFlagProblems(tool: string, usage: string, reading: FlagReading): void {
  if (reading.help) {
    console.log(usage);
    process.exit(0);
  }
  if (reading.problems.length) {
    console.error(`[${tool}] ${reading.problems.join(`\n[${tool}] `)}\n\n${usage}`);
    process.exit(2);
  }
}
