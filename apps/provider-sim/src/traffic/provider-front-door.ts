import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { SimApi } from '../config/sim-config';
import { MailSendService } from '../sendgrid/mail-send.service';
import { sendGridAuthRefusal } from '../sendgrid/sendgrid-bearer-auth';
import { SimCredentials } from '../sim-credentials';
import { TwilioCallsService } from '../twilio/calls.service';
import { TwilioMessagesService } from '../twilio/messages.service';
import { twilioAuthRefusal } from '../twilio/twilio-basic-auth.guard';
import { TwilioForm } from '../twilio/twilio-form';
import { ProviderTraffic } from './provider-traffic';

const TWILIO_CREATE = /^\/2010-04-01\/Accounts\/([^/?]+)\/(Messages|Calls)\.json(?:\?.*)?$/;
const SENDGRID_SEND = /^\/v3\/mail\/send\/?(?:\?.*)?$/;
/** Twilio's forms are small; SendGrid takes requests up to 30 MB (about 1000 personalizations need far less). */
const FORM_LIMIT_BYTES = 1024 * 1024;
const JSON_LIMIT_BYTES = 30 * 1024 * 1024;

class PayloadTooLarge extends Error {}

/**
 * The three provider creates (Twilio Messages and Calls, SendGrid mail send) served straight
 * from node:http, ahead of Nest: they are what the simulator does per message, and Express's
 * routing, body parsers and Nest's guards, interceptors and observables cost about 0.5 ms a
 * request on a 2-core machine, more than everything else the simulator does for a message,
 * callbacks included. Everything else (lists, /__sim, /metrics, /health) stays with Nest.
 *
 * Same order and answers as those layers gave: body, authentication, latency and rate limits
 * (ProviderTraffic), the service, then the provider's own success or error shape. Not done
 * here, for these three routes only: the request-timing metric and the x-correlation-id echo
 * of ObservabilityModule (the providers do not echo one either).
 */
@Injectable()
export class ProviderFrontDoor {
  private readonly logger = new Logger('ProviderFrontDoor');

  constructor(
    private readonly credentials: SimCredentials,
    private readonly traffic: ProviderTraffic,
    private readonly messages: TwilioMessagesService,
    private readonly calls: TwilioCallsService,
    private readonly mailSend: MailSendService,
  ) {}

  /** Takes the request when it is one of the three creates; false leaves it to Nest. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || req.url === undefined) return false;
    const twilio = TWILIO_CREATE.exec(req.url);
    if (twilio) {
      void this.serve(res, () => this.twilioCreate(req, res, twilio[1], twilio[2] === 'Messages' ? 'twilioMessages' : 'twilioCalls'));
      return true;
    }
    if (SENDGRID_SEND.test(req.url)) {
      void this.serve(res, () => this.mailSendRequest(req, res));
      return true;
    }
    return false;
  }

  private async twilioCreate(req: IncomingMessage, res: ServerResponse, accountSid: string, api: 'twilioMessages' | 'twilioCalls'): Promise<void> {
    const body = await readBody(req, FORM_LIMIT_BYTES);
    const refusal = twilioAuthRefusal(this.credentials, req.headers.authorization, accountSid, req.url!.split('?')[0]);
    if (refusal) throw refusal;
    await this.traffic.admit(api, res);
    const fields = isForm(req) ? parseForm(body) : {};
    const form = TwilioForm.of(fields);
    const account = this.credentials.ownTwilioAccountSid(accountSid);
    const created = api === 'twilioMessages' ? this.messages.create(account, form) : this.calls.create(account, form);
    sendJson(res, 201, created);
  }

  /** 202 with an empty body and X-Message-Id; 200 in sandbox mode. */
  private async mailSendRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, JSON_LIMIT_BYTES);
    const refusal = sendGridAuthRefusal(this.credentials, req.headers.authorization);
    if (refusal) throw refusal;
    await this.traffic.admit('sendgridMail' satisfies SimApi, res);
    const outcome = await this.mailSend.send(parseJson(req, body));
    res.setHeader('X-Message-Id', outcome.messageId);
    res.writeHead(outcome.sandbox ? 200 : 202).end();
  }

  /** Errors as Nest's exception filter answered them: an HttpException's own status and body, else 500. */
  private async serve(res: ServerResponse, handler: () => Promise<void>): Promise<void> {
    try {
      await handler();
    } catch (error: unknown) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpException) return sendJson(res, error.getStatus(), error.getResponse());
      if (error instanceof PayloadTooLarge) return sendJson(res, 413, { statusCode: 413, message: 'Payload Too Large' });
      this.logger.error({ msg: 'provider request failed', error: String(error) });
      sendJson(res, 500, { statusCode: 500, message: 'Internal server error' });
    }
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new PayloadTooLarge()) : resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
    // A client that gives up halfway never sends the end.
    req.on('close', () => (req.complete ? undefined : reject(new Error('request aborted'))));
  });
}

function isForm(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Unparseable or not JSON: what SendGrid's validation refuses as a bad request. */
function parseJson(req: IncomingMessage, body: string): unknown {
  if (!(req.headers['content-type'] ?? '').toLowerCase().includes('json')) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const json = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) }).end(json);
}
