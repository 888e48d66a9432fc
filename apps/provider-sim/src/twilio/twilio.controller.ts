import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ProviderTrafficInterceptor } from '../traffic/provider-traffic.interceptor';
import { SimulatedApi } from '../traffic/simulated-api.decorator';
import { TwilioCallsService } from './calls.service';
import { TwilioMessagesService } from './messages.service';
import { TwilioResourceListing } from './resource-listing';
import { TwilioBasicAuthGuard } from './twilio-basic-auth.guard';
import { TwilioForm } from './twilio-form';

/** The two Twilio REST resources the system creates, and their lists (for in-doubt checks). */
@Controller('2010-04-01/Accounts/:sid')
@UseGuards(TwilioBasicAuthGuard)
@UseInterceptors(ProviderTrafficInterceptor)
export class TwilioController {
  constructor(
    private readonly messages: TwilioMessagesService,
    private readonly calls: TwilioCallsService,
    private readonly listing: TwilioResourceListing,
  ) {}

  @Get('Messages.json')
  listMessages(@Param('sid') accountSid: string, @Query() query: Record<string, unknown>): Record<string, unknown> {
    return this.listing.messages(accountSid, query);
  }

  @Get('Calls.json')
  listCalls(@Param('sid') accountSid: string, @Query() query: Record<string, unknown>): Record<string, unknown> {
    return this.listing.calls(accountSid, query);
  }

  @Post('Messages.json')
  @SimulatedApi('twilioMessages')
  @HttpCode(201)
  createMessage(@Param('sid') accountSid: string, @Body() body: unknown): Record<string, unknown> {
    return this.messages.create(accountSid, TwilioForm.of(body));
  }

  @Post('Calls.json')
  @SimulatedApi('twilioCalls')
  @HttpCode(201)
  createCall(@Param('sid') accountSid: string, @Body() body: unknown): Record<string, unknown> {
    return this.calls.create(accountSid, TwilioForm.of(body));
  }
}
