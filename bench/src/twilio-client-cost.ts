import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { FlagDeclaration, exitOnFlagProblems, flagUsage, readFlagList } from './flags';
import { inParallel } from './support/in-parallel';
import type * as Providers from '@bin-alert/providers';
import type * as Platform from '@bin-alert/platform';

/**
 * What a Twilio create costs the process that makes it (a dispatcher), on its own: the adapters
 * (TwilioSmsSender, TwilioVoiceCaller) configured as providerSettingsFrom configures them, against
 * a provider-sim of its own on `--port`, no status callbacks, `--concurrency` in flight, after a
 * warm-up of 1,000. Reports this process's CPU (process.cpuUsage) per create and the creates per
 * second, SMS then calls (a quarter as many). `--build DIR` takes the adapters and the simulator
 * from another checkout's build, to compare two builds by turns (ADR 0051).
 *
 *   node dist/bench/src/twilio-client-cost.js [--messages 20000] [--port 4395] [--concurrency 48] [--build /other/checkout]
 *
 * Not a test and not part of `npm run bench`; nothing else may run on `--port`.
 */

interface Options {
  messages: number;
  port: number;
  concurrency: number;
  build: string;
}

const TWILIO_CLIENT_COST_FLAGS: ReadonlyArray<FlagDeclaration<Options>> = [
  { name: '--messages', key: 'messages', kind: 'int', arg: 'N', min: 1, default: 20_000, help: 'SMS created after the warm-up; calls: a quarter as many' },
  { name: '--port', key: 'port', kind: 'int', arg: 'P', min: 1, max: 65_535, default: 4395, help: "the simulator's port; nothing else may run on it" },
  { name: '--concurrency', key: 'concurrency', kind: 'int', arg: 'C', min: 1, default: 48, help: 'creates in flight' },
  {
    name: '--build',
    key: 'build',
    kind: 'text',
    arg: 'DIR',
    default: resolve('.'),
    defaultHelp: 'this checkout',
    help: "the checkout whose build's adapters and simulator are measured",
    parse: (dir) => resolve(dir),
  },
];

function parseArgs(argv: string[]): Options {
  const { options, reading } = readFlagList(argv, TWILIO_CLIENT_COST_FLAGS);
  exitOnFlagProblems('twilio-client-cost', flagUsage('node dist/bench/src/twilio-client-cost.js [options]', TWILIO_CLIENT_COST_FLAGS), reading);
  return options;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const lib = (name: string) => resolve(o.build, 'dist/libs', name, 'src/index.js');
  const { TwilioSmsSender, TwilioVoiceCaller, providerSettingsFrom } = require(lib('providers')) as typeof Providers;
  const { loadConfig } = require(lib('platform')) as typeof Platform;
  const simUrl = `http://127.0.0.1:${o.port}`;
  const sim = spawn(process.execPath, [resolve(o.build, 'dist/apps/provider-sim/src/main.js')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SIM_PORT: String(o.port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`${simUrl}/__sim/stats`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) break;
      if (attempt > 150) throw new Error(`the simulator did not come up on ${simUrl}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const settings = providerSettingsFrom(loadConfig({ PROVIDER_SIM_URL: simUrl, LOG_LEVEL: 'warn' }));
    const sms = new TwilioSmsSender(settings.twilio);
    const voice = new TwilioVoiceCaller(settings.twilio);
    const body = 'Preventie: inbraken in de winter. Het wordt vroeg donker. Doe de lichten aan als u weggaat, sluit ramen en deuren.';
    const creates = {
      sms: (i: number) => sms.send({ deliveryId: randomUUID(), to: `+3247${String(1_000_000 + i).padStart(7, '0')}`, body }),
      voice: (i: number) =>
        voice.call({
          deliveryId: randomUUID(),
          to: `+3253${String(100_000 + i).padStart(6, '0')}`,
          answer: { url: `http://127.0.0.1:9/voice?n=${i}` },
          machineDetection: 'DetectMessageEnd',
        }),
    };
    const result: Record<string, unknown> = { build: o.build };
    for (const [name, create] of Object.entries(creates)) {
      const count = name === 'sms' ? o.messages : Math.round(o.messages / 4);
      await inParallel(1000, o.concurrency, create);
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      let errors = 0;
      await inParallel(count, o.concurrency, (i) => create(i + 1000).catch(() => errors++));
      const used = process.cpuUsage(cpu);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      result[name] = { count, errors, cpu_ms_per_create: Math.round((used.user + used.system) / count) / 1000, per_s: Math.round(count / seconds) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    sim.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
