import { Controller, Get, NotFoundException, Param, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ApiDoc, Public } from '@bin-alert/platform';
import { DASHBOARD_DOCS } from '../dashboard/dashboard.docs';
import { CONSOLE_SECURITY_HEADERS, CONTENT_TYPES, consoleAssetsDir } from './console-assets';

/** A content-hashed asset name as the console build writes it; anything else is not served. */
const ASSET_NAME = /^[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css|svg)(\.map)?$/;

/**
 * The operator console: one HTML page and its content-hashed assets. The page is revalidated on
 * every load (it names the current assets); the assets never change under their name, so browsers
 * keep them for a year.
 */
@Public()
@Controller()
export class ConsoleController {
  private readonly dir = consoleAssetsDir();

  @Get()
  @ApiDoc(DASHBOARD_DOCS.consolePage)
  async page(@Res() res: Response): Promise<void> {
    const html = await readFile(join(this.dir, 'index.html')).catch(() => {
      throw new ServiceUnavailableException('the console is not built: run npm run build');
    });
    res.set({ ...CONSOLE_SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }).send(html);
  }

  @Get('assets/:name')
  @ApiDoc(DASHBOARD_DOCS.consoleAsset)
  async asset(@Param('name') name: string, @Res() res: Response): Promise<void> {
    if (!ASSET_NAME.test(name)) throw new NotFoundException(`no console asset ${name}`);
    const body = await readFile(join(this.dir, 'assets', name)).catch(() => {
      throw new NotFoundException(`no console asset ${name}`);
    });
    res.set({ ...CONSOLE_SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[extname(name)], 'Cache-Control': 'public, max-age=31536000, immutable' }).send(body);
  }
}
