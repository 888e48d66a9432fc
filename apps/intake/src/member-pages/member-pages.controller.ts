import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CHANNELS, Language, LinkClaims, LinkPurpose, MEMBER_PAGE_PATHS, RequestOrigin, isRefusalOf } from '@bin-alert/domain';
import {
  FieldProblem,
  LinkProblem,
  MEMBER_STYLESHEET,
  MemberWords,
  PreferenceCentreView,
  PreferencesPageModel,
  PageAddress,
  applicationPage,
  askLinkPage,
  confirmEmailPage,
  errorPage,
  joinFormValues,
  joinPage,
  linkProblemPage,
  pageLanguage,
  reasonFor,
  preferenceFormChange,
  preferencesPage,
  resignPage,
  subscribePage,
  unsubscribePage,
  UnsubscribePageModel,
  wordsFor,
} from '@bin-alert/member-pages';
import { CodedContactKind, ReferenceDataRepository } from '@bin-alert/persistence';
import { APP_CONFIG, AppConfig, ApiDoc, CurrentOrigin, Public, RequestValidationError, ZodBodyPipe } from '@bin-alert/platform';
import {
  MemberLinks,
  membershipApplicationRequest,
  codeConfirmationRequest,
  phoneForCallsRequest,
  preferenceChangeRequest,
  preferencesLinkRequest,
  MembershipService,
  CodeRefused,
  TooManyRequests,
  PreferenceService,
} from '@bin-alert/membership';
import { admitPublicRequest } from '../members/public-allowance';
import { MEMBER_PAGE_DOCS as DOCS } from './member-pages.docs';
import { MemberPageFailureFilter, sendMemberPage } from './member-page-response';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

type Form = Record<string, unknown>;
/** What the invitation and the unsubscribe page both show: the category the link names, and the way to the preference centre. */
type CategoryLinkPageModel = Omit<UnsubscribePageModel, 'state' | 'category'> & { category: PreferenceCentreView['categories'][number] };
/** The member a sound link names: its claims, their preference centre, and the language their pages speak. */
type LinkedMember = { claims: LinkClaims; centre: PreferenceCentreView & { memberId: string }; language: Language };
/** What a link's page answers once the link is sound: its page (200), its page with another status (a refused form), or a redirect (303) to the next page. */
type LinkPageAnswer = string | { status: number; page: string } | { redirect: string };
const formOf = (req: Request): Form => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Form) : {});

/**
 * The pages members open from the links they receive, and the public application form (issue 9).
 * HTML only, no script: every action is a form POST to the page's own address (the signed token
 * stays in the query), answered by a page or a redirect to one. The JSON API under /v1 stays for
 * programs; both call the same services, so a rule holds the same whichever way it is reached.
 */
@Public()
@Controller()
@UseFilters(MemberPageFailureFilter)
export class MemberPagesController {
  constructor(
    private readonly memberships: MembershipService,
    private readonly preferences: PreferenceService,
    private readonly links: MemberLinks,
    private readonly references: ReferenceDataRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('member-pages.css')
  @ApiDoc(DOCS.stylesheet)
  stylesheet(@Res() res: Response): void {
    // Its URL carries a hash of its content, so it never changes under one name.
    res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' }).send(MEMBER_STYLESHEET);
  }

  // ── joining ────────────────────────────────────────────────────────────────────────────────

  @Get('join')
  @ApiDoc(DOCS.joinForm)
  async joinForm(@Req() req: Request, @Res() res: Response, @Query('lang') lang?: string): Promise<void> {
    const language = this.language(req, lang);
    sendMemberPage(res, 200, language, joinPage({ language, bins: await this.binChoices() }));
  }

  @Post('join')
  @ApiDoc(DOCS.join)
  async join(@Req() req: Request, @Res() res: Response, @CurrentOrigin() origin: Required<RequestOrigin>, @Query('lang') lang?: string): Promise<void> {
    const language = this.language(req, lang);
    const values = joinFormValues(formOf(req), language);
    const again = async (status: number, extra: { problems?: FieldProblem[]; message?: string }) =>
      sendMemberPage(res, status, language, joinPage({ language, bins: await this.binChoices(), values, ...extra }));
    try {
      // Validated before it counts against the hourly allowance: correcting a typo costs nothing.
      const request = new ZodBodyPipe(membershipApplicationRequest).transform({ ...values, consent: values.consent });
      await this.admit('applications', req, res);
      const { memberId } = await this.memberships.apply(request, origin);
      res.redirect(303, `${MEMBER_PAGE_PATHS.smsCode(memberId)}?lang=${language}`);
    } catch (error) {
      if (error instanceof RequestValidationError) return again(400, { problems: error.problems });
      if (error instanceof TooManyRequests) return again(429, { message: this.rateLimited(language, error) });
      throw error;
    }
  }

  @Get('join/:memberId/code')
  @ApiDoc(DOCS.application)
  async application(@Req() req: Request, @Res() res: Response, @Param('memberId') memberId: string, @Query('lang') lang?: string, @Query('done') done?: string): Promise<void> {
    const progress = await this.progressOrNotFound(memberId, req, res, lang);
    if (!progress) return;
    const a = wordsFor(progress.language).application;
    const said = { email: wordsFor(progress.language).application.stepEmailDone, mobile: a.codeConfirmed, resent: a.codeResent, phone: a.phoneConfirmed, recalled: a.codeRecalled }[
      done ?? ''
    ];
    sendMemberPage(res, 200, progress.language, applicationPage({ ...progress, memberId, ...(said ? { message: { tone: 'success', text: said } } : {}) }));
  }

  @Post('join/:memberId/code')
  @ApiDoc(DOCS.confirmCode)
  async confirmCode(
    @Req() req: Request,
    @Res() res: Response,
    @Param('memberId') memberId: string,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.applicationCode(req, res, memberId, 'mobile', origin, lang);
  }

  @Post('join/:memberId/code/resend')
  @ApiDoc(DOCS.resendCode)
  async resendCode(@Req() req: Request, @Res() res: Response, @Param('memberId') memberId: string, @Query('lang') lang?: string): Promise<void> {
    await this.applicationResend(req, res, memberId, 'mobile', lang);
  }

  @Post('join/:memberId/phone-code')
  @ApiDoc(DOCS.confirmPhoneCode)
  async confirmPhoneCode(
    @Req() req: Request,
    @Res() res: Response,
    @Param('memberId') memberId: string,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.applicationCode(req, res, memberId, 'phone', origin, lang);
  }

  @Post('join/:memberId/phone-code/resend')
  @ApiDoc(DOCS.recallCode)
  async recallCode(@Req() req: Request, @Res() res: Response, @Param('memberId') memberId: string, @Query('lang') lang?: string): Promise<void> {
    await this.applicationResend(req, res, memberId, 'phone', lang);
  }

  @Get('confirm-email')
  @ApiDoc(DOCS.confirmEmailPage)
  async confirmEmailPage(@Req() req: Request, @Res() res: Response, @Query('token') token?: string, @Query('lang') lang?: string): Promise<void> {
    const claims = this.claimsOrProblem(req, res, token, 'confirm_email', lang);
    if (!claims) return;
    const progress = await this.memberships.applicationProgress(claims.memberId);
    const language = this.language(req, lang, progress?.language);
    sendMemberPage(
      res,
      progress ? 200 : 404,
      language,
      confirmEmailPage({ language, address: this.address(MEMBER_PAGE_PATHS.confirmEmail, token), state: progress ? 'ask' : 'gone' }),
    );
  }

  @Post('confirm-email')
  @ApiDoc(DOCS.confirmEmail)
  async confirmEmail(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    const claims = this.claimsOrProblem(req, res, token, 'confirm_email', lang);
    if (!claims) return;
    const progress = await this.memberships.applicationProgress(claims.memberId);
    const language = this.language(req, lang, progress?.language);
    try {
      const { memberId } = await this.memberships.confirmEmail(token, origin);
      res.redirect(303, `${MEMBER_PAGE_PATHS.smsCode(memberId)}?lang=${language}&done=email`);
    } catch (error) {
      if (!isRefusalOf(error, 'not_found')) throw error;
      sendMemberPage(res, 404, language, confirmEmailPage({ language, address: this.address(MEMBER_PAGE_PATHS.confirmEmail, token), state: 'gone' }));
    }
  }

  // ── the preference centre and the links of the e-mails ────────────────────────────────────

  @Get('preferences')
  @ApiDoc(DOCS.preferencesPage)
  async preferencesPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
    @Query('saved') saved?: string,
    @Query('phone') phone?: string,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'preferences', async ({ centre, language }) => {
      const phoneState = phone === 'calling' || phone === 'confirmed' || phone === 'recalled' ? phone : undefined;
      return this.centrePage(token, lang, language, centre, { saved: saved === '1', phone: { state: phoneState } });
    });
  }

  @Post('preferences')
  @ApiDoc(DOCS.savePreferences)
  async savePreferences(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'preferences', async ({ centre, language }) => {
      const posted = preferenceFormChange(formOf(req), centre);
      try {
        await this.preferences.change(token, new ZodBodyPipe(preferenceChangeRequest).transform(posted), origin);
        return { redirect: `${MEMBER_PAGE_PATHS.preferences}?token=${encodeURIComponent(token!)}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}&saved=1` };
      } catch (error) {
        if (!(error instanceof RequestValidationError)) throw error;
        return { status: 400, page: this.centrePage(token, lang, language, centre, { problems: error.problems, posted }) };
      }
    });
  }

  @Get('preferences/link')
  @ApiDoc(DOCS.askLinkPage)
  askLinkPage(@Req() req: Request, @Res() res: Response, @Query('lang') lang?: string): void {
    const language = this.language(req, lang);
    sendMemberPage(res, 200, language, askLinkPage({ language, state: 'ask' }));
  }

  @Post('preferences/link')
  @ApiDoc(DOCS.askLink)
  async askLink(@Req() req: Request, @Res() res: Response, @Query('lang') lang?: string): Promise<void> {
    const language = this.language(req, lang);
    const email = String(formOf(req).email ?? '');
    try {
      const body = new ZodBodyPipe(preferencesLinkRequest).transform({ email }) as { email: string };
      await this.admit('messages', req, res);
      await this.memberships.sendPreferencesLink(body.email);
      sendMemberPage(res, 200, language, askLinkPage({ language, state: 'sent' }));
    } catch (error) {
      if (error instanceof RequestValidationError) return sendMemberPage(res, 400, language, askLinkPage({ language, state: 'ask', email, problems: error.problems }));
      if (error instanceof TooManyRequests) return sendMemberPage(res, 429, language, askLinkPage({ language, state: 'ask', email, message: this.rateLimited(language, error) }));
      throw error;
    }
  }

  @Get('subscribe')
  @ApiDoc(DOCS.subscribePage)
  async subscribePage(@Req() req: Request, @Res() res: Response, @Query('token') token?: string, @Query('lang') lang?: string): Promise<void> {
    await this.categoryLinkPage(req, res, token, lang, 'subscribe', async ({ centre, page }) => {
      const channels = CHANNELS.filter((ch) => centre.contacts.some((c) => c.channel === ch && c.verified));
      return subscribePage({ ...page, channels, state: 'ask' });
    });
  }

  @Post('subscribe')
  @ApiDoc(DOCS.subscribe)
  async subscribe(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.categoryLinkPage(req, res, token, lang, 'subscribe', async ({ page }) => {
      const { channels } = await this.preferences.subscribe(token, origin);
      return subscribePage({ ...page, channels, state: 'done' });
    });
  }

  @Get('unsubscribe')
  @ApiDoc(DOCS.unsubscribePage)
  async unsubscribePage(@Req() req: Request, @Res() res: Response, @Query('token') token?: string, @Query('lang') lang?: string): Promise<void> {
    await this.categoryLinkPage(req, res, token, lang, 'unsubscribe', async ({ page }) =>
      unsubscribePage({ ...page, state: page.category.rule === 'mandatory' ? 'mandatory' : 'ask' }),
    );
  }

  /** The page's button, and RFC 8058's one-click POST (`List-Unsubscribe=One-Click`) from a mail client: the same act. */
  @Post('unsubscribe')
  @ApiDoc(DOCS.unsubscribe)
  async unsubscribe(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.categoryLinkPage(req, res, token, lang, 'unsubscribe', async ({ page }) => {
      if (page.category.rule === 'mandatory') return unsubscribePage({ ...page, state: 'mandatory' });
      await this.preferences.unsubscribe(token, origin);
      return unsubscribePage({ ...page, state: 'done' });
    });
  }

  @Get('resign')
  @ApiDoc(DOCS.resignPage)
  async resignPage(@Req() req: Request, @Res() res: Response, @Query('token') token?: string, @Query('lang') lang?: string): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'resign', async ({ language, centre }) => {
      const { bins, board } = await this.memberships.openBinNames(centre.memberId);
      const state = board ? 'board' : bins.length === 0 ? 'nothing' : 'ask';
      return resignPage({ language, address: this.address(MEMBER_PAGE_PATHS.resign, token), bins, state, preferencesHref: this.preferencesHref(centre.memberId, lang) });
    });
  }

  @Post('resign')
  @ApiDoc(DOCS.resign)
  async resign(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'resign', async ({ language, centre }) => {
      const address = this.address(MEMBER_PAGE_PATHS.resign, token);
      const { bins } = await this.memberships.openBinNames(centre.memberId);
      try {
        const result = await this.memberships.resignSelf(token, origin);
        return resignPage({ language, address, bins, state: 'done', erased: result.erased });
      } catch (error) {
        if (isRefusalOf(error, 'forbidden')) return { status: 403, page: resignPage({ language, address, bins, state: 'board' }) };
        if (isRefusalOf(error, 'not_found')) return { status: 409, page: resignPage({ language, address, bins, state: 'nothing' }) };
        throw error;
      }
    });
  }

  @Post('preferences/phone')
  @ApiDoc(DOCS.givePhone)
  async givePhone(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'preferences', async ({ centre, language }) => {
      const posted = String(formOf(req).phone ?? '');
      const again = (status: number, phone: PreferencesPageModel['phone']) => ({ status, page: this.centrePage(token, lang, language, centre, { phone: { posted, ...phone } }) });
      try {
        const body = new ZodBodyPipe(phoneForCallsRequest).transform({ phone: posted }) as { phone: string };
        await this.admit('messages', req, res);
        await this.memberships.replacePhone(centre.memberId, body.phone, origin);
        return { redirect: this.centreHref(token, lang, 'phone=calling') };
      } catch (error) {
        if (error instanceof RequestValidationError) return again(400, { phoneError: reasonFor(wordsFor(language), error.problems[0]?.reason ?? '') });
        if (error instanceof TooManyRequests) return again(429, { message: this.rateLimited(language, error) });
        throw error;
      }
    });
  }

  @Post('preferences/phone/code')
  @ApiDoc(DOCS.confirmPhoneInCentre)
  async confirmPhoneInCentre(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Query('token') token?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'preferences', async ({ centre, language }) => {
      try {
        await this.confirmByCode(centre.memberId, 'phone', formOf(req).code, origin);
        return { redirect: this.centreHref(token, lang, 'phone=confirmed') };
      } catch (error) {
        const refused = this.codeRefusal(wordsFor(language), 'phone', error);
        if (!refused) throw error;
        const phone = refused.field ? { codeError: refused.text } : { message: refused.text };
        return { status: refused.status, page: this.centrePage(token, lang, language, centre, { phone }) };
      }
    });
  }

  @Post('preferences/phone/recall')
  @ApiDoc(DOCS.recallPhoneInCentre)
  async recallPhoneInCentre(@Req() req: Request, @Res() res: Response, @Query('token') token?: string, @Query('lang') lang?: string): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, 'preferences', async ({ centre, language }) => {
      const again = (status: number, message: string) => ({ status, page: this.centrePage(token, lang, language, centre, { phone: { message } }) });
      try {
        await this.admit('messages', req, res);
        await this.memberships.resendCode(centre.memberId, 'phone');
        return { redirect: this.centreHref(token, lang, 'phone=recalled') };
      } catch (error) {
        if (error instanceof TooManyRequests) return again(429, this.rateLimited(language, error));
        if (isRefusalOf(error, 'not_found')) return again(409, wordsFor(language).application.noCodeWaiting);
        throw error;
      }
    });
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────

  /** The code an SMS or a call gave, typed into the application's page. */
  private async applicationCode(req: Request, res: Response, memberId: string, kind: CodedContactKind, origin: Required<RequestOrigin>, lang?: string): Promise<void> {
    const progress = await this.progressOrNotFound(memberId, req, res, lang);
    if (!progress) return;
    const words = wordsFor(progress.language);
    try {
      await this.confirmByCode(memberId, kind, formOf(req).code, origin);
      res.redirect(303, `${MEMBER_PAGE_PATHS.smsCode(memberId)}?lang=${progress.language}&done=${kind}`);
    } catch (error) {
      const refused = this.codeRefusal(words, kind, error);
      if (!refused) throw error;
      const extra = refused.field ? { [kind === 'mobile' ? 'codeError' : 'phoneCodeError']: refused.text } : { message: { tone: 'error' as const, text: refused.text } };
      sendMemberPage(res, refused.status, progress.language, applicationPage({ ...progress, memberId, ...extra }));
    }
  }

  /** A new SMS (mobile) or a new call (phone) with a new code, asked for on the application's page. */
  private async applicationResend(req: Request, res: Response, memberId: string, kind: CodedContactKind, lang?: string): Promise<void> {
    const progress = await this.progressOrNotFound(memberId, req, res, lang);
    if (!progress) return;
    const again = (status: number, text: string) => sendMemberPage(res, status, progress.language, applicationPage({ ...progress, memberId, message: { tone: 'error', text } }));
    try {
      await this.admit('messages', req, res);
      await this.memberships.resendCode(memberId, kind);
      res.redirect(303, `${MEMBER_PAGE_PATHS.smsCode(memberId)}?lang=${progress.language}&done=${kind === 'mobile' ? 'resent' : 'recalled'}`);
    } catch (error) {
      if (error instanceof TooManyRequests) return again(429, this.rateLimited(progress.language, error));
      if (isRefusalOf(error, 'not_found')) return again(409, wordsFor(progress.language).application.noCodeWaiting);
      throw error;
    }
  }

  private async confirmByCode(memberId: string, kind: CodedContactKind, typed: unknown, origin: Required<RequestOrigin>): Promise<void> {
    const body = new ZodBodyPipe(codeConfirmationRequest).transform({ code: String(typed ?? '').replace(/\s+/g, '') }) as { code: string };
    await this.memberships.confirmCode(memberId, kind, body.code, origin);
  }

  /**
   * What the page says when a code is refused: under the field (its form), or above (ask for a new one); null for any other error.
   * A wrong code points to where the member got it: the SMS for a mobile, the call for a phone.
   */
  private codeRefusal(words: MemberWords, kind: CodedContactKind, error: unknown): { status: number; text: string; field: boolean } | null {
    const wrongCode = kind === 'mobile' ? words.application.wrongCode : words.application.wrongCallCode;
    if (error instanceof RequestValidationError) return { status: 400, field: true, text: error.problems[0]?.reason === 'wrong code' ? wrongCode : words.reasons.sixDigits };
    if (error instanceof CodeRefused) return { status: 409, field: false, text: error.verdict === 'expired' ? words.application.codeExpired : words.application.tooManyAttempts };
    if (isRefusalOf(error, 'not_found')) return { status: 409, field: false, text: words.application.noCodeWaiting };
    return null;
  }

  private centrePage(
    token: string | undefined,
    lang: string | undefined,
    language: Language,
    centre: PreferenceCentreView & { memberId: string },
    extra: Partial<PreferencesPageModel> = {},
  ): string {
    return preferencesPage({ language, address: this.address(MEMBER_PAGE_PATHS.preferences, token), centre, resignHref: this.resignHref(centre.memberId, lang), ...extra });
  }

  private centreHref(token: string | undefined, lang: string | undefined, state: string): string {
    // To the phone's section, further down than the screen: that is where the member continues.
    return `${MEMBER_PAGE_PATHS.preferences}?token=${encodeURIComponent(token ?? '')}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}&${state}#phone-title`;
  }

  /**
   * The steps of every page a member's signed link opens (the preference centre and its phone
   * forms, resign, and through categoryLinkPage the invitation and unsubscribe), shown (GET) or
   * acted on (POST): the link checked and the member's centre loaded, else the one page that says
   * why (claimsOrProblem: 403 forged or expired; 404 membership gone); then `answer` acts where it
   * must and gives the page, sent in the member's language (200 unless it says another status, as
   * a refused form does), or the redirect to follow. An error `answer` throws goes to
   * MemberPageFailureFilter.
   */
  private async memberLinkPage(
    req: Request,
    res: Response,
    token: string | undefined,
    lang: string | undefined,
    purpose: LinkPurpose,
    answer: (found: LinkedMember) => Promise<LinkPageAnswer>,
  ): Promise<void> {
    const claims = this.claimsOrProblem(req, res, token, purpose, lang);
    if (!claims) return;
    const centre = await this.preferences.centre(claims.memberId);
    if (!centre) {
      const language = this.language(req, lang);
      return sendMemberPage(res, 404, language, linkProblemPage(language, 'gone', req.path));
    }
    const language = this.language(req, lang, centre.language);
    const answered = await answer({ claims, centre, language });
    if (typeof answered === 'string') return sendMemberPage(res, 200, language, answered);
    if ('redirect' in answered) return res.redirect(303, answered.redirect);
    sendMemberPage(res, answered.status, language, answered.page);
  }

  /**
   * memberLinkPage for the pages a category's link opens, the invitation (subscribe) and
   * unsubscribe: the category the link names found among the member's (else 404), and what both
   * pages show of it, for `answer` to act on and finish.
   */
  private async categoryLinkPage(
    req: Request,
    res: Response,
    token: string | undefined,
    lang: string | undefined,
    purpose: 'subscribe' | 'unsubscribe',
    answer: (found: { centre: PreferenceCentreView; page: CategoryLinkPageModel }) => Promise<string>,
  ): Promise<void> {
    await this.memberLinkPage(req, res, token, lang, purpose, async ({ centre, language, claims }) => {
      const path = MEMBER_PAGE_PATHS[purpose];
      const category = centre.categories.find((c) => c.code === claims.category);
      if (!category) return { status: 404, page: errorPage(language, 'not_found', path) };
      return answer({ centre, page: { language, address: this.address(path, token), category, preferencesHref: this.preferencesHref(centre.memberId, lang) } });
    });
  }

  private language(req: Request, picked: string | undefined, member?: Language | null): Language {
    return pageLanguage({ picked, member, acceptLanguage: req.headers['accept-language'], zoneDefault: this.config.ZONE_DEFAULT_LANGUAGE });
  }

  private address(path: string, token: string | undefined): PageAddress {
    return { path, query: { token } };
  }

  private preferencesHref(memberId: string, lang?: string): string {
    return `${this.links.href(MEMBER_PAGE_PATHS.preferences, { purpose: 'preferences', memberId })}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;
  }

  private resignHref(memberId: string, lang?: string): string {
    return `${this.links.href(MEMBER_PAGE_PATHS.resign, { purpose: 'resign', memberId })}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;
  }

  /**
   * The claims of a sound link; otherwise the page that says what is wrong with it (forged, cut,
   * for another page, or expired) is sent, and null returned. Every page a signed link opens
   * starts here, so each says it the same way.
   */
  private claimsOrProblem(req: Request, res: Response, token: string | undefined, purpose: LinkPurpose, lang?: string): LinkClaims | null {
    const verdict = this.links.check(token, purpose);
    if (verdict.ok) return verdict.claims;
    const language = this.language(req, lang);
    const problem: LinkProblem = verdict.reason === 'expired' ? 'expired' : 'invalid';
    sendMemberPage(res, 403, language, linkProblemPage(language, problem, req.path, { applyAgain: purpose === 'confirm_email' }));
    return null;
  }

  private async progressOrNotFound(memberId: string, req: Request, res: Response, lang?: string) {
    const progress = UUID.test(memberId) ? await this.memberships.applicationProgress(memberId) : null;
    if (progress) return { ...progress, language: this.language(req, lang, progress.language) };
    const language = this.language(req, lang);
    sendMemberPage(res, 404, language, errorPage(language, 'not_found', req.path));
    return null;
  }

  private async binChoices(): Promise<Array<{ id: string; name: string }>> {
    return (await this.references.listBins()).map(({ id, name }) => ({ id, name }));
  }

  private admit(kind: 'applications' | 'messages', req: Request, res: Response): Promise<void> {
    return admitPublicRequest(this.memberships, kind, req, res);
  }

  private rateLimited(language: Language, error: TooManyRequests): string {
    return wordsFor(language).rateLimited(Math.max(1, Math.ceil(error.retryAfterSeconds / 60)));
  }
}
