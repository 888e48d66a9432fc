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

/** What the value of a problem-free flag becomes; a problem is said with the others. */
export interface FlagParsing<V> {
  /** The option's value so far: its default, or what an earlier use of the flag made it (a repeated flag). */
  previous: V;
  problem(text: string): void;
}

interface DeclaredFlag<O, K extends keyof O> {
  /** `--members`. */
  name: string;
  /** The option the flag sets. */
  key: K;
  /**
   * Its line in the usage: `{default}` there is the default, `{min}` and `{max}` an integer's
   * range; without `{default}` the usage adds ` (default …)` when there is one (not undefined or null). `\n` begins a line
   * of its own under the first.
   */
  help: string;
}

/** A switch takes no value: it sets its option to true (false without it). */
export interface SwitchFlag<O, K extends keyof O> extends DeclaredFlag<O, K> {
  kind: 'switch';
}

export interface ValueFlag<O, K extends keyof O, R> extends DeclaredFlag<O, K> {
  /** The value's name in the usage: `N`, `FILE`. */
  arg: string;
  /** The option without the flag. */
  default: O[K];
  /** The usage's words for a default the list cannot say (one computed from other flags, a path). */
  defaultHelp?: string;
  /** Turns the value read into the option's value and checks it; absent: the value as read. */
  parse?(value: R, parsing: FlagParsing<O[K]>): O[K];
}

/** An integer from `min` to `max` (`1_000` is read as 1000); anything else is a problem. */
export interface IntFlag<O, K extends keyof O> extends ValueFlag<O, K, number> {
  kind: 'int';
  min: number;
  max?: number;
}

export interface TextFlag<O, K extends keyof O> extends ValueFlag<O, K, string> {
  kind: 'text';
}

/**
 * A bench tool's flag, declared once: the tool's options start from the list's defaults
 * (`readFlagList`) and its usage is written from the same list (`flagUsage`), so a flag's name,
 * default, range and help cannot disagree between the two.
 */
export type FlagDeclaration<O> = { [K in keyof O]-?: SwitchFlag<O, K> | IntFlag<O, K> | TextFlag<O, K> }[keyof O];

/** The options the flags in `argv` make of `flags`' defaults, and every problem at once (`readFlags`). */
export function readFlagList<O>(argv: string[], flags: ReadonlyArray<FlagDeclaration<O>>): { options: O; reading: FlagReading } {
  const options = {} as O;
  for (const f of flags) options[f.key] = (f.kind === 'switch' ? false : Array.isArray(f.default) ? [...f.default] : f.default) as O[typeof f.key];
  const byName = new Map(flags.map((f) => [f.name, f]));
  const problems: string[] = [];
  const reading = readFlags(argv, (name, value) => {
    const f = byName.get(name);
    if (!f) return false;
    if (f.kind === 'switch') {
      options[f.key] = true as O[typeof f.key];
      return true;
    }
    const parsing = { previous: options[f.key], problem: (text: string) => problems.push(text) };
    // One branch a kind, so that each parse gets the value it declares.
    if (f.kind === 'int') {
      const n = value.int(f.min, f.max);
      options[f.key] = f.parse ? f.parse(n, parsing) : (n as O[typeof f.key]);
    } else {
      const text = value.text();
      options[f.key] = f.parse ? f.parse(text, parsing) : (text as O[typeof f.key]);
    }
    return true;
  });
  // What a parse refuses is said after what could not be read at all.
  reading.problems.push(...problems);
  return { options, reading };
}

/** The usage: `synopsis`, a line a flag (its value's name, its help, its default), then `footer`. */
export function flagUsage<O>(synopsis: string, flags: ReadonlyArray<FlagDeclaration<O>>, footer?: string): string {
  const heads = flags.map((f) => (f.kind === 'switch' ? f.name : `${f.name} ${f.arg}`));
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  const lines = flags.map((f, i) => {
    const help = f.kind === 'switch' ? f.help : withDefault(f);
    const [first, ...rest] = help.split('\n');
    return [`  ${heads[i].padEnd(width)}${first}`, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
  });
  return [synopsis, ...lines, ...(footer ? [footer] : [])].join('\n');
}

function withDefault<O>(f: IntFlag<O, keyof O> | TextFlag<O, keyof O>): string {
  const fallback = f.defaultHelp ?? (f.default === undefined || f.default === null ? undefined : Array.isArray(f.default) ? f.default.join(',') : String(f.default));
  let help = f.help;
  if (f.kind === 'int') help = help.replaceAll('{min}', String(f.min)).replaceAll('{max}', String(f.max ?? Number.MAX_SAFE_INTEGER));
  if (help.includes('{default}')) return help.replaceAll('{default}', fallback ?? 'none');
  return fallback === undefined ? help : `${help} (default ${fallback})`;
}
