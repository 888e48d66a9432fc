import { BadRequestException, Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import { SimControl } from '../control/sim-control';
import { MessageStore } from './message-store';
import { SIM_CHANNELS, SimChannel, SimMessage } from './sim-message';

/**
 * Read-only window on what the simulated providers received, for tests and demos: the messages
 * the store retains (config `retention`: by default the latest 10,000 per channel and 20 per
 * number or address), not every message ever received. Counts of everything are in /__sim/stats.
 */
@Controller('__sim')
export class InspectionController {
  constructor(
    private readonly store: MessageStore,
    private readonly control: SimControl,
  ) {}

  /**
   * One number's or address's latest messages (at most `retention.messagesPerAddress`), oldest
   * first. `includeRejected=true` also shows requests refused synchronously (with `rejectedWith`).
   */
  @Get('inbox')
  inbox(@Query('to') to: unknown, @Query('includeRejected') includeRejected: unknown): { to: string; messages: SimMessage[] } {
    if (typeof to !== 'string' || to.trim() === '') throw new BadRequestException('query parameter "to" is required');
    const address = restorePlus(to.trim());
    return { to: address, messages: this.store.inbox(address, { includeRejected: isTrue(includeRejected) }) };
  }

  /** The latest `retention.messagesPerChannel` of each channel asked for, oldest first. */
  @Get('messages')
  messages(@Query('channel') channel: unknown, @Query('includeRejected') includeRejected: unknown): { messages: SimMessage[] } {
    const options = { includeRejected: isTrue(includeRejected) };
    if (channel === undefined) return { messages: this.store.list(undefined, options) };
    if (!isChannel(channel)) throw new BadRequestException(`channel must be one of ${SIM_CHANNELS.join(', ')}`);
    return { messages: this.store.list(channel, options) };
  }

  /** Clears runtime state (messages, pending callbacks, opt-outs, stats, rate windows); config stays. */
  @Delete('messages')
  @HttpCode(204)
  clear(): void {
    this.control.clearRuntime();
  }
}

function isTrue(flag: unknown): boolean {
  return flag === 'true' || flag === '1';
}

function isChannel(value: unknown): value is SimChannel {
  return typeof value === 'string' && (SIM_CHANNELS as readonly string[]).includes(value);
}

/**
 * `?to=+32470…` typed by hand arrives as " 32470…" because a query-string "+" means a space;
 * a number cannot start with a space, so the "+" is put back.
 */
function restorePlus(to: string): string {
  return /^\d{6,15}$/.test(to) ? `+${to}` : to;
}
