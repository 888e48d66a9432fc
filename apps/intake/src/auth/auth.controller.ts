import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { RequestOrigin } from '@bin-alert/domain';
import { ApiDoc, CurrentOrigin, Public, ZodBodyPipe } from '@bin-alert/platform';
import { LoginRequest, loginRequest, IssuedToken, LoginService, TooManyLoginAttempts } from '@bin-alert/accounts';
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
    try {
      return await this.logins.login(body, origin);
    } catch (error) {
      if (error instanceof TooManyLoginAttempts) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}
