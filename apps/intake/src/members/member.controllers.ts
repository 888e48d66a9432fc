import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal, RequestOrigin } from '@bin-alert/domain';
import { ApiDoc, CurrentOrigin, CurrentPrincipal, Public, Roles, ZodBodyPipe } from '@bin-alert/platform';
import {
  MembershipApplicationRequest,
  PreferenceChangeRequest,
  categoryRuleRequest,
  interiorNotificationsQuery,
  memberListQuery,
  membershipApplicationRequest,
  membershipDecisionRequest,
  codeConfirmationRequest,
  preferenceChangeRequest,
  phoneForCallsRequest,
  preferencesLinkRequest,
  MembershipService,
  PreferenceService,
} from '@bin-alert/membership';
import { MEMBER_DOCS as DOCS } from './members.docs';
import { admitPublicRequest as admit } from './public-allowance';

const uuid = new ParseUUIDPipe({ version: '4' });

/** The public side of joining: the form, the e-mail link, the SMS code, the call's code. */
@Public()
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly memberships: MembershipService) {}

  @Post()
  @HttpCode(201)
  @ApiDoc(DOCS.apply)
  async apply(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() raw: unknown, @CurrentOrigin() origin: Required<RequestOrigin>) {
    await admit(this.memberships, 'applications', req, res);
    const body: MembershipApplicationRequest = new ZodBodyPipe(membershipApplicationRequest).transform(raw);
    const { memberId } = await this.memberships.apply(body, origin);
    const next = [
      ...(body.email ? ['confirm the e-mail address by the link sent to it'] : []),
      ...(body.mobile ? ['confirm the mobile number with the SMS code'] : []),
      ...(body.phone ? ['confirm the phone number for calls with the code a call to it says'] : []),
      'approval by a board member of the BIN',
    ];
    return { memberId, status: 'applied', next };
  }

  /** The link in the confirmation e-mail (GET so that a click is enough; it only confirms). */
  @Get('confirm-email')
  @ApiDoc(DOCS.confirmEmailByLink)
  confirmEmailByLink(@Query('token') token: string | undefined, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.memberships.confirmEmail(token, origin).then(() => ({ confirmed: 'email' }));
  }

  @Post('confirm-email')
  @HttpCode(200)
  @ApiDoc(DOCS.confirmEmail)
  confirmEmail(@Query('token') token: string | undefined, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.confirmEmailByLink(token, origin);
  }

  @Post(':memberId/mobile-confirmation')
  @HttpCode(200)
  @ApiDoc(DOCS.confirmMobile)
  async confirmMobile(
    @Param('memberId', uuid) memberId: string,
    @Body(new ZodBodyPipe(codeConfirmationRequest)) body: { code: string },
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    await this.memberships.confirmCode(memberId, 'mobile', body.code, origin);
    return { confirmed: 'mobile' };
  }

  @Post(':memberId/phone-confirmation')
  @HttpCode(200)
  @ApiDoc(DOCS.confirmPhone)
  async confirmPhone(
    @Param('memberId', uuid) memberId: string,
    @Body(new ZodBodyPipe(codeConfirmationRequest)) body: { code: string },
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    await this.memberships.confirmCode(memberId, 'phone', body.code, origin);
    return { confirmed: 'phone' };
  }

  @Post(':memberId/mobile-code')
  @HttpCode(202)
  @ApiDoc(DOCS.resendCode)
  async resendCode(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('memberId', uuid) memberId: string) {
    await admit(this.memberships, 'messages', req, res);
    await this.memberships.resendCode(memberId, 'mobile');
    return { sent: true };
  }

  @Post(':memberId/phone-code')
  @HttpCode(202)
  @ApiDoc(DOCS.recallCode)
  async recallCode(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('memberId', uuid) memberId: string) {
    await admit(this.memberships, 'messages', req, res);
    await this.memberships.resendCode(memberId, 'phone');
    return { sent: true };
  }
}

/** The member's own links: preference centre, subscribe, one-click unsubscribe, resignation. */
@Public()
@Controller('v1')
export class MemberLinksController {
  constructor(
    private readonly preferences: PreferenceService,
    private readonly memberships: MembershipService,
  ) {}

  /** Sends a preference-centre link to that address if it belongs to a member; answers the same either way. */
  @Post('preferences/link')
  @HttpCode(202)
  @ApiDoc(DOCS.sendPreferencesLink)
  async sendLink(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() raw: unknown) {
    await admit(this.memberships, 'messages', req, res);
    const body = new ZodBodyPipe(preferencesLinkRequest).transform(raw) as { email: string };
    await this.memberships.sendPreferencesLink(body.email);
    return { sent: 'if this address belongs to a member, a link is on its way' };
  }

  @Get('preferences')
  @ApiDoc(DOCS.showPreferences)
  show(@Query('token') token: string | undefined) {
    return this.preferences.show(token);
  }

  @Put('preferences')
  @ApiDoc(DOCS.changePreferences)
  change(
    @Query('token') token: string | undefined,
    @Body(new ZodBodyPipe(preferenceChangeRequest)) body: PreferenceChangeRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    return this.preferences.change(token, body, origin);
  }

  /** A phone for calls (landline or mobile), in place of the member's previous one; a call says the code that confirms it. */
  @Post('preferences/phone')
  @HttpCode(202)
  @ApiDoc(DOCS.givePhone)
  async givePhone(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('token') token: string | undefined,
    @Body() raw: unknown,
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    const memberId = this.preferences.memberOf(token);
    const body = new ZodBodyPipe(phoneForCallsRequest).transform(raw) as { phone: string };
    await admit(this.memberships, 'messages', req, res);
    await this.memberships.replacePhone(memberId, body.phone, origin);
    return { calling: true };
  }

  @Post('preferences/phone-confirmation')
  @HttpCode(200)
  @ApiDoc(DOCS.confirmPhoneByLink)
  async confirmPhone(
    @Query('token') token: string | undefined,
    @Body(new ZodBodyPipe(codeConfirmationRequest)) body: { code: string },
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    await this.memberships.confirmCode(this.preferences.memberOf(token), 'phone', body.code, origin);
    return { confirmed: 'phone' };
  }

  @Post('preferences/phone-code')
  @HttpCode(202)
  @ApiDoc(DOCS.recallCodeByLink)
  async recallCode(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('token') token: string | undefined) {
    const memberId = this.preferences.memberOf(token);
    await admit(this.memberships, 'messages', req, res);
    await this.memberships.resendCode(memberId, 'phone');
    return { sent: true };
  }

  @Post('preferences/subscribe')
  @HttpCode(200)
  @ApiDoc(DOCS.subscribe)
  subscribe(@Query('token') token: string | undefined, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.preferences.subscribe(token, origin);
  }

  /** RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`; the token says who and what. */
  @Post('unsubscribe')
  @HttpCode(200)
  @ApiDoc(DOCS.unsubscribe)
  unsubscribe(@Query('token') token: string | undefined, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.preferences.unsubscribe(token, origin);
  }

  @Post('membership/resign')
  @HttpCode(200)
  @ApiDoc(DOCS.resignSelf)
  resign(@Query('token') token: string | undefined, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.memberships.resignSelf(token, origin);
  }
}

/** What boards and police do with memberships; scope is checked per BIN. */
@Controller('v1/bins/:binId/members')
export class BinMembersController {
  constructor(private readonly memberships: MembershipService) {}

  @Get()
  @Roles('board', 'operator', 'supervisor', 'admin')
  @ApiDoc(DOCS.listMembers)
  list(@CurrentPrincipal() principal: Principal, @Param('binId') binId: string, @Query(new ZodBodyPipe(memberListQuery)) query: { status?: string }) {
    return this.memberships.listMembers(principal, binId, query.status).then((members) => ({ members }));
  }

  @Post(':memberId/decision')
  @Roles('board')
  @HttpCode(200)
  @ApiDoc(DOCS.decide)
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Param('binId') binId: string,
    @Param('memberId', uuid) memberId: string,
    @Body(new ZodBodyPipe(membershipDecisionRequest)) body: { decision: 'approve' | 'refuse' },
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    await this.memberships.decide(principal, binId, memberId, body.decision, origin);
    return { memberId, binId, status: body.decision === 'approve' ? 'active' : 'refused' };
  }

  @Post(':memberId/resignation')
  @Roles('board', 'operator', 'supervisor')
  @HttpCode(200)
  @ApiDoc(DOCS.resignByStaff)
  resign(@CurrentPrincipal() principal: Principal, @Param('binId') binId: string, @Param('memberId', uuid) memberId: string, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return this.memberships.resignByStaff(principal, binId, memberId, origin);
  }
}

@Controller('v1/categories')
export class CategoriesController {
  constructor(private readonly preferences: PreferenceService) {}

  /** Switching to opt-in starts the invitation campaign (the boards' COVID vote). */
  @Put(':code/rule')
  @Roles('supervisor')
  @ApiDoc(DOCS.switchRule)
  switchRule(
    @CurrentPrincipal() principal: Principal,
    @Param('code') code: string,
    @Body(new ZodBodyPipe(categoryRuleRequest)) body: { rule: 'mandatory' | 'opt_out' | 'opt_in' },
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    return this.preferences.switchRule(principal, code, body.rule, origin);
  }
}

/** What the police send on to FOD Binnenlandse Zaken. */
@Controller('v1/interior-notifications')
@Roles('operator', 'supervisor', 'admin')
export class InteriorNotificationsController {
  constructor(private readonly memberships: MembershipService) {}

  @Get()
  @ApiDoc(DOCS.interiorNotifications)
  list(@CurrentPrincipal() principal: Principal, @Query(new ZodBodyPipe(interiorNotificationsQuery)) query: { unsent?: 'true' | 'false' }) {
    return this.memberships.interiorNotifications(principal, query.unsent === 'true').then((notifications) => ({ notifications }));
  }

  @Post(':id/sent')
  @Roles('operator', 'supervisor')
  @HttpCode(200)
  @ApiDoc(DOCS.markInteriorNotificationSent)
  async markSent(@CurrentPrincipal() principal: Principal, @Param('id', uuid) id: string, @CurrentOrigin() origin: Required<RequestOrigin>) {
    await this.memberships.markInteriorNotificationSent(principal, id, origin);
    return { id, sent: true };
  }
}
