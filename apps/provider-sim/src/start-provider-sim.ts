import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CorrelatedLogger } from '@bin-alert/platform';
import { SimConfigPatch } from './config/sim-config.patch';
import { resolveStartupConfig } from './config/startup-config';
import { ProviderSimModule } from './provider-sim.module';
import { ProviderFrontDoor } from './traffic/provider-front-door';
import { resolveSimCredentials, SimCredentialOverrides } from './sim-credentials';

export const DEFAULT_SIM_PORT = 4010;

export interface ProviderSimOptions extends SimCredentialOverrides {
  /** 0 picks a free port; the chosen one is in `url`. */
  port?: number;
  /** JSON lines on stdout by default; false silences the simulator (tests). */
  logger?: LoggerService | false;
  /** Fault injection from the start, applied over the SIM_* environment; see README. */
  config?: SimConfigPatch;
}

export interface RunningProviderSim {
  app: INestApplication;
  /** Origin to give the SDKs as apiBaseUrl, e.g. http://127.0.0.1:4010 */
  url: string;
  close(): Promise<void>;
}

/** Starts the simulator in-process on 127.0.0.1 (never on a public interface). */
export async function startProviderSim(options: ProviderSimOptions = {}): Promise<RunningProviderSim> {
  const credentials = resolveSimCredentials(options, process.env);
  const config = resolveStartupConfig(options.config, process.env);
  const app = await NestFactory.create<NestExpressApplication>(ProviderSimModule.forRoot(credentials, config), {
    logger: options.logger ?? new CorrelatedLogger('provider-sim', { json: true }),
    bodyParser: false,
    abortOnError: false,
  });
  // SendGrid takes requests up to 30 MB; body-parser's 100 kB default would already refuse a
  // batch of ~700 personalizations, long before SendGrid's own 1000-recipient limit.
  app.useBodyParser('json', { limit: '30mb' });
  app.useBodyParser('urlencoded', { extended: true, limit: '1mb' });
  installFrontDoor(app, app.get(ProviderFrontDoor));
  await app.listen(options.port ?? DEFAULT_SIM_PORT, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The provider creates are answered before Express sees the request (ProviderFrontDoor says why). */
function installFrontDoor(app: INestApplication, frontDoor: ProviderFrontDoor): void {
  const server = app.getHttpServer() as Server;
  const nest = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (nest.length !== 1) throw new Error(`expected Nest's one request listener on the HTTP server, found ${nest.length}`);
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!frontDoor.handle(req, res)) nest[0](req, res);
  });
}
