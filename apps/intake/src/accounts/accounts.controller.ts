import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Principal, RequestOrigin } from '@bin-alert/domain';
import { ApiDoc, CurrentOrigin, CurrentPrincipal, Roles, ZodBodyPipe } from '@bin-alert/platform';
import { AccountAdminService, accountView, ChangeAccountRequest, CreateAccountRequest, changeAccountRequest, createAccountRequest } from '@bin-alert/accounts';
import { CHANGE_ACCOUNT_DOC, CREATE_ACCOUNT_DOC, DISABLE_ACCOUNT_DOC, LIST_ACCOUNTS_DOC } from './accounts.docs';

/** Staff accounts: admins only. */
@Roles('admin')
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountAdminService) {}

  @Get()
  @ApiDoc(LIST_ACCOUNTS_DOC)
  async list() {
    return { accounts: (await this.accounts.list()).map(accountView) };
  }

  @Post()
  @ApiDoc(CREATE_ACCOUNT_DOC)
  @HttpCode(201)
  async create(
    @Body(new ZodBodyPipe(createAccountRequest)) body: CreateAccountRequest,
    @CurrentPrincipal() admin: Principal,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const account = await this.accounts.create(body, admin, origin);
    res.setHeader('Location', `/v1/accounts/${account.id}`);
    return accountView(account);
  }

  @Patch(':id')
  @ApiDoc(CHANGE_ACCOUNT_DOC)
  async change(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body(new ZodBodyPipe(changeAccountRequest)) body: ChangeAccountRequest,
    @CurrentPrincipal() admin: Principal,
    @CurrentOrigin() origin: Required<RequestOrigin>,
  ) {
    return accountView(await this.accounts.change(id, body, admin, origin));
  }

  @Post(':id/disable')
  @ApiDoc(DISABLE_ACCOUNT_DOC)
  @HttpCode(200)
  async disable(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() admin: Principal, @CurrentOrigin() origin: Required<RequestOrigin>) {
    return accountView(await this.accounts.disable(id, admin, origin));
  }
}
