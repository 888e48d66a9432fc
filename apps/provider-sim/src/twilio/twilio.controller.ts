import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { TwilioResourceListing } from './resource-listing';
import { TwilioBasicAuthGuard } from './twilio-basic-auth.guard';

/**
 * The lists of the two Twilio resources the system creates (for in-doubt checks), and each one
 * by its sid (for the tracker's reconciliation). The creates themselves are served by
 * ProviderFrontDoor, ahead of Nest.
 */
@Controller('2010-04-01/Accounts/:sid')
@UseGuards(TwilioBasicAuthGuard)
export class TwilioController {
  constructor(private readonly listing: TwilioResourceListing) {}

  @Get('Messages.json')
  listMessages(@Param('sid') accountSid: string, @Query() query: Record<string, unknown>): Record<string, unknown> {
    return this.listing.messages(accountSid, query);
  }

  @Get('Messages/:messageSid.json')
  fetchMessage(@Param('sid') accountSid: string, @Param('messageSid') messageSid: string): Record<string, unknown> {
    return this.listing.message(accountSid, messageSid);
  }

  @Get('Calls/:callSid.json')
  fetchCall(@Param('sid') accountSid: string, @Param('callSid') callSid: string): Record<string, unknown> {
    return this.listing.call(accountSid, callSid);
  }

  @Get('Calls.json')
  listCalls(@Param('sid') accountSid: string, @Query() query: Record<string, unknown>): Record<string, unknown> {
    return this.listing.calls(accountSid, query);
  }
}
