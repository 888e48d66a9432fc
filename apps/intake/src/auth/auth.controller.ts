import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { IssuedToken, RequestOrigin } from '@bin-alert/domain';
import { ApiDoc, CurrentOrigin, Public, ZodBodyPipe } from '@bin-alert/platform';
import { LoginRequest, loginRequest, LoginService } from '@bin-alert/accounts';
import { LOGIN_DOC } from './auth.docs';

@Controller('v1/auth')
export class AuthController {
  constructor(private readonly logins: LoginService) {}

  @Post('token')
  @ApiDoc(LOGIN_DOC)
  @Public()
  @HttpCode(200)
  async token(
    @Body(new ZodBodyPipe(loginRequest)) body: LoginRequest,
    @CurrentOrigin() origin: Required<RequestOrigin>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssuedToken> {
    res.setHeader('Cache-Control', 'no-store');
    // A refusal's Retry-After is written by the HTTP filter, with the status of its code.
    return this.logins.login(body, origin);
  }
}
