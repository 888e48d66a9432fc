import * as http from 'node:http';
import * as https from 'node:https';
import { dirname, join } from 'node:path';

interface TransportInternals {
  _utils: { agent: http.Agent; request: typeof http.request } | null;
  _parameters: { url: string };
}

/**
 * The OTLP/HTTP exporter loads `http` with a dynamic `import()` on its first export, which jest's
 * CommonJS sandbox refuses without --experimental-vm-modules (open-telemetry/opentelemetry-js#6035):
 * every export would fail. Tests that export spans have it load `http` the CommonJS way instead,
 * with the same keep-alive agent; the apps, run by Node outside jest, are not touched.
 */
export function letOtlpExporterRunUnderJest(): void {
  // Not an exported path of the package: reached by file, as its own index requires it.
  const file = join(dirname(require.resolve('@opentelemetry/otlp-exporter-base')), 'transport', 'http-exporter-transport.js');
  const { createHttpExporterTransport } = require(file) as { createHttpExporterTransport(parameters: { url: string }): object };
  const transport = Object.getPrototypeOf(createHttpExporterTransport({ url: 'http://127.0.0.1/' })) as { _loadUtils(this: TransportInternals): Promise<unknown> };
  transport._loadUtils = async function (this: TransportInternals) {
    if (this._utils === null) {
      const client = new URL(this._parameters.url).protocol === 'https:' ? https : http;
      this._utils = { agent: new client.Agent({ keepAlive: true }), request: client.request as typeof http.request };
    }
    return this._utils;
  };
}
