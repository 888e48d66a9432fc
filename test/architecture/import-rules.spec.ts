import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ROOT, isTestFile, sourceFiles } from './source-files';

/**
 * Which app or lib may import which (issue 15, item 3): dependencies point one way, from apps
 * down to libs/domain, and this test keeps them so. It reads every .ts/.tsx file under apps/ and
 * libs/, extracts its imports and resolves each to the app or lib that owns it.
 * README.md "Which lib may import which" explains it for a newcomer.
 */

/** Framework and I/O packages: what the pure libs must not load (node: built-ins with or without the prefix). */
const FRAMEWORK_OR_IO =
  /^(@nestjs\/|typeorm$|pg$|ioredis$|kafkajs$|twilio($|\/)|@sendgrid\/|argon2$|express$|prom-client$|jose$|@opentelemetry\/|(node:)?(fs|net|http|https|http2|tls|dgram|dns|child_process|worker_threads|cluster)(\/|$))/;
/** The provider SDKs. */
const PROVIDER_SDK = /^(twilio($|\/)|@sendgrid\/)/;

interface Rule {
  /** Our libs and apps this one may import. An app can only be imported by its `start-<app>` entry. */
  may: string[];
  /** What its tests (`*.spec.ts`, `*.int-spec.ts`, files under `testing/`) may import besides. */
  testsMayAlso?: string[];
  /** Libs it may reach by a relative path instead of the `@bin-alert/<lib>` alias. */
  byPath?: string[];
  /** npm packages its code (not its tests) must not import. */
  notPackages?: RegExp;
  why: string;
}

const DOMAIN = 'libs/domain';
const CONTRACTS = 'libs/contracts';
const PLATFORM = 'libs/platform';
const PERSISTENCE = 'libs/persistence';
const MESSAGING = 'libs/messaging';
const PROVIDERS = 'libs/providers';
const MEMBER_PAGES = 'libs/member-pages';
const DISPATCH = 'libs/dispatch';
const ALERTS = 'libs/alerts';
const MEMBERSHIP = 'libs/membership';
const ACCOUNTS = 'libs/accounts';
const TRACKING = 'libs/tracking';
const REPORTS = 'libs/reports';
const DISPATCHER_APP: Rule = { may: [DISPATCH, MESSAGING, PLATFORM], why: 'wiring only: the dispatcher is libs/dispatch' };

/** Source → allowed targets. No lib lists an app: no lib imports an app. */
const IMPORT_RULES: Record<string, Rule> = {
  [DOMAIN]: { may: [], notPackages: FRAMEWORK_OR_IO, why: 'the rules of alerts, audiences and deliveries: pure, so every app and the browser console can run them' },
  [CONTRACTS]: { may: [DOMAIN], notPackages: FRAMEWORK_OR_IO, why: 'the messages the apps exchange, built from domain types and nothing else' },
  [PLATFORM]: { may: [DOMAIN], notPackages: PROVIDER_SDK, why: 'config, logging, HTTP, stores, auth: the ground every app stands on; it knows no provider and no feature' },
  [PERSISTENCE]: { may: [DOMAIN, PLATFORM], why: 'the database: stores domain facts' },
  [MESSAGING]: { may: [DOMAIN, CONTRACTS, PERSISTENCE, PLATFORM], why: 'the message bus and the outbox (which lives in the database)' },
  [PROVIDERS]: { may: [DOMAIN, PLATFORM], why: 'the Twilio and SendGrid adapters: they read their settings from the config schema' },
  [MEMBER_PAGES]: { may: [DOMAIN], why: 'the pages members see: rendering of domain values only' },
  [DISPATCH]: { may: [DOMAIN, CONTRACTS, PERSISTENCE, MESSAGING, PLATFORM, PROVIDERS], why: 'the sending: plans deliveries and calls the providers' },
  [ALERTS]: { may: [DOMAIN, CONTRACTS, PERSISTENCE, MESSAGING, PLATFORM], why: 'the alert lifecycle and its dashboard: composes, issues through the outbox, exports CAP' },
  [MEMBERSHIP]: { may: [DOMAIN, PERSISTENCE, MESSAGING, PLATFORM], why: 'joining, confirming contacts, deciding and ending memberships, preferences, signed member links' },
  [ACCOUNTS]: { may: [DOMAIN, PERSISTENCE, PLATFORM], why: 'staff accounts and signing in' },
  [REPORTS]: { may: [DOMAIN, PERSISTENCE], why: "the reports (messages sent, membership counts, an alert's reach) within the reader's BINs" },
  [TRACKING]: {
    may: [DOMAIN, CONTRACTS, PERSISTENCE, MESSAGING, PLATFORM],
    why: 'verified provider callbacks → statuses and live counters applied → delivery status events published; no provider SDK: the signatures are checked at the edge',
  },
  'apps/intake': {
    may: [DOMAIN, CONTRACTS, PERSISTENCE, MESSAGING, PLATFORM, MEMBER_PAGES, ALERTS, MEMBERSHIP, ACCOUNTS, REPORTS],
    why: 'the API and member pages: wiring of the feature libs; not libs/dispatch: the ops page reads the rate-limit buckets from libs/platform',
  },
  'apps/tracker': {
    may: [DOMAIN, CONTRACTS, PERSISTENCE, MESSAGING, PLATFORM, PROVIDERS, TRACKING],
    testsMayAlso: ['apps/provider-sim'],
    why: 'provider webhooks → delivery status; its integration tests start the simulator as the outside world',
  },
  'apps/dispatcher-sms': DISPATCHER_APP,
  'apps/dispatcher-email': DISPATCHER_APP,
  'apps/dispatcher-voice': DISPATCHER_APP,
  'apps/provider-sim': {
    may: [PLATFORM],
    testsMayAlso: [PROVIDERS],
    why: 'a stand-in for Twilio and SendGrid: shares only logging, config and the webhook key pair (libs/platform); its tests drive our real adapters against it',
  },
  'apps/console': {
    may: [DOMAIN, MEMBER_PAGES],
    byPath: [DOMAIN, MEMBER_PAGES],
    why: 'bundled for the browser: imports single pure files by path, since the barrels load Node modules (node:crypto)',
  },
  'apps/standalone': {
    may: ['apps/intake', 'apps/tracker', 'apps/provider-sim', DISPATCH, DOMAIN, PERSISTENCE, PLATFORM, PROVIDERS],
    why: 'the one process that starts all the others: the one app that imports apps (their start-* entries)',
  },
};

/**
 * Known violations still to fix, each with its reason. A stale entry fails the test, so the list
 * only shrinks.
 */
const KNOWN_VIOLATIONS: { file: string; imports: string; why: string }[] = [
  ...['../../../apps/intake/src/start-intake', '../../../apps/tracker/src/start-tracker', '../../../apps/provider-sim/src/start-provider-sim'].map((imports) => ({
    file: 'libs/dispatch/src/fan-out.int-spec.ts',
    imports,
    why: 'a whole-system test (intake → dispatchers → tracker) kept in the lib; it belongs under test/e2e, which needs its own servers set-up',
  })),
  {
    file: 'libs/dispatch/src/planning-rule.int-spec.ts',
    imports: '../../domain/src/audience/recipient-cases',
    why: "the recipient rule's table of cases is test data, not in the domain barrel; it gets a home with the one total recipient rule (issue 15, item 1)",
  },
];

interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** The helpers the tests share with the benchmarks (servers' ports, waiting, the test database, seeding): under bench/, which the image builds, so the image needs nothing from test/. */
const SHARED_SUPPORT = 'bench/src/support/';

/** `apps/<x>` or `libs/<x>` owning a repository path, `test` for the shared test support, null for anything else. */
function ownerOf(path: string): string | null {
  const [top, name] = path.split('/');
  if ((top === 'apps' || top === 'libs') && name) return `${top}/${name}`;
  return top === 'test' || path.startsWith(SHARED_SUPPORT) ? 'test' : null;
}

/** Every module specifier in a file: `import … from`, `export … from`, side-effect imports, `import()`, `require()`. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|[;\s}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
  const call = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const re of [statement, call]) for (const m of source.matchAll(re)) found.push(m[1]);
  return found;
}

/** The violations of one import of one file (a repository path such as `libs/domain/src/x.ts`). */
function checkImport(file: string, specifier: string): Violation[] {
  const source = ownerOf(file)!;
  const rule = IMPORT_RULES[source];
  const v = (why: string): Violation[] => [{ file, imports: specifier, rule: `${source}: ${why}` }];
  if (!rule) return v('no row in IMPORT_RULES: add one (what it may import, and why)');
  const test = isTestFile(file);
  const allowed = [...rule.may, ...(test ? (rule.testsMayAlso ?? []) : [])];

  if (specifier.startsWith('@bin-alert/')) {
    const target = `libs/${specifier.slice('@bin-alert/'.length).split('/')[0]}`;
    return allowed.includes(target) ? [] : v(`may import ${allowed.join(', ') || 'nothing of ours'}, not ${target} — ${rule.why}`);
  }
  if (specifier.startsWith('.')) {
    const path = relative(ROOT, resolve(ROOT, dirname(file), specifier))
      .split(sep)
      .join('/');
    const target = ownerOf(path);
    if (target === source) return [];
    if (target === 'test') return test ? [] : v('only tests import test/ and bench/src/support/');
    if (target === null) return v(`reaches outside apps/ and libs/ (${path})`);
    if (!allowed.includes(target)) return v(`may import ${allowed.join(', ') || 'nothing of ours'}, not ${target} — ${rule.why}`);
    if (target.startsWith('apps/')) {
      const app = target.slice('apps/'.length);
      return path === `${target}/src/start-${app}` ? [] : v(`imports an app only by its entry ${target}/src/start-${app}`);
    }
    return rule.byPath?.includes(target) ? [] : v(`a relative path into ${target}: import @bin-alert/${target.slice('libs/'.length)}`);
  }
  if (!test && rule.notPackages?.test(specifier)) return v(`loads no framework, I/O or provider package like ${specifier} — ${rule.why}`);
  return [];
}

const describeViolation = (x: Violation) => `${x.file} imports '${x.imports}'\n    breaks ${x.rule}`;

describe('import rules: dependencies point one way', () => {
  const files = [...sourceFiles('apps'), ...sourceFiles('libs')];
  const imports = files.flatMap((file) => importsOf(readFileSync(join(ROOT, file), 'utf8')).map((specifier) => ({ file, specifier })));
  const violations = imports.flatMap(({ file, specifier }) => checkImport(file, specifier));
  const isKnown = (x: Violation) => KNOWN_VIOLATIONS.some((k) => k.file === x.file && k.imports === x.imports);

  it('reads the whole code base, and every app and lib has a row', () => {
    // Guards against a check that passes because it read nothing.
    expect(files.length).toBeGreaterThan(400);
    expect(imports.filter((i) => i.specifier.startsWith('@bin-alert/')).length).toBeGreaterThan(300);
    const units = [...new Set(files.map((f) => ownerOf(f)!))].sort();
    expect(units).toEqual(Object.keys(IMPORT_RULES).sort());
  });

  it('finds no import that breaks a rule, apart from the known ones', () => {
    const unexpected = violations.filter((x) => !isKnown(x));
    if (unexpected.length)
      throw new Error(`${unexpected.length} import(s) break the import rules (test/architecture/import-rules.spec.ts):\n  ${unexpected.map(describeViolation).join('\n  ')}`);
  });

  it('lists no known violation that is gone', () => {
    const stale = KNOWN_VIOLATIONS.filter((k) => !violations.some((x) => x.file === k.file && x.imports === k.imports));
    expect(stale).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(
      importsOf(
        "import {\n  a,\n  b,\n} from '@bin-alert/x';\nexport * from './y';\nimport type { T } from \"z\";\nimport 'reflect-metadata';\nconst m = await import('w'); require('v');",
      ),
    ).toEqual(['@bin-alert/x', './y', 'z', 'reflect-metadata', 'w', 'v']);
    expect(checkImport('libs/domain/src/x.ts', '@bin-alert/platform')).toHaveLength(1);
    expect(checkImport('libs/domain/src/x.ts', 'node:fs')).toHaveLength(1);
    expect(checkImport('libs/domain/src/x.ts', '@nestjs/common')).toHaveLength(1);
    expect(checkImport('libs/platform/src/x.ts', '@bin-alert/providers')).toHaveLength(1);
    expect(checkImport('libs/platform/src/x.ts', 'twilio')).toHaveLength(1);
    expect(checkImport('libs/platform/src/x.ts', '../../../apps/intake/src/start-intake')).toHaveLength(1);
    expect(checkImport('apps/provider-sim/src/x.ts', '../../../libs/providers/src/index')).toHaveLength(1);
    expect(checkImport('apps/provider-sim/src/x.ts', '@bin-alert/providers')).toHaveLength(1);
    expect(checkImport('apps/provider-sim/src/x.spec.ts', '@bin-alert/providers')).toEqual([]);
    expect(checkImport('apps/intake/src/dashboard/x.ts', '@bin-alert/dispatch')).toHaveLength(1);
    expect(checkImport('apps/tracker/src/x.ts', '../../intake/src/start-intake')).toHaveLength(1);
    expect(checkImport('apps/standalone/src/x.ts', '../../intake/src/alerts/alerts.controller')).toHaveLength(1);
    expect(checkImport('apps/standalone/src/x.ts', '../../intake/src/start-intake')).toEqual([]);
    expect(checkImport('apps/intake/src/x.ts', '../../../test/support/test-config')).toHaveLength(1);
    expect(checkImport('apps/intake/src/x.int-spec.ts', '../../../test/support/test-config')).toEqual([]);
    expect(checkImport('apps/intake/src/x.ts', '../../../bench/src/support/test-config')).toHaveLength(1);
    expect(checkImport('apps/intake/src/x.int-spec.ts', '../../../bench/src/support/test-config')).toEqual([]);
    expect(checkImport('apps/intake/src/x.int-spec.ts', '../../../bench/src/callback-path')).toHaveLength(1);
    expect(checkImport('libs/newlib/src/x.ts', 'zod')).toHaveLength(1);
  });
});
