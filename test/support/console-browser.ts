import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { StaffAccountRepository } from '@bin-alert/persistence';
import { hashPassword } from '@bin-alert/platform';
import { CATALOGUES, UiLanguage } from '../../apps/console/src/i18n';
import type { RunningStack } from './running-stack';

/** Debian's Chromium (.ci/run installs it); the tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium keeps trying to reach Google's services over
 * the closed network; a fresh profile per run keeps runs independent.
 */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ConsoleBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'bin-alert-chromium-'));
  // A persistent context is how Playwright takes a --user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 900 },
    locale: 'en-GB',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The one password of the staff accounts the browser tests make. */
export const PASSWORD = 'correct horse battery staple';

/** Staff accounts of zone Aalst with the one password, made as an administrator would. */
export async function createStaff(stack: RunningStack, accounts: Array<[string, 'operator' | 'supervisor'] | [string, 'board', string[]]>): Promise<void> {
  const repository = new StaffAccountRepository(stack.db);
  for (const [username, role, binIds] of accounts) {
    const id = randomUUID();
    await repository.create(
      { id, username, displayName: username, passwordHash: await hashPassword(PASSWORD), role, policeZone: role === 'board' ? null : 'aalst', binIds: binIds ?? [] },
      { actor: null, action: 'account.created', target: { type: 'account', id } },
    );
  }
}

/** Signs in through the console's own form, as a person would; waits until the console says who is signed in. */
export async function signInAs(page: Page, intakeUrl: string, username: string, password = PASSWORD, expectSuccess = true): Promise<void> {
  await page.goto(`${intakeUrl}/#/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (expectSuccess) await page.locator('.who').filter({ hasText: username }).waitFor();
}

/** Through the console's own language menu, as a person would; resolves once the page has re-rendered in it. */
export async function chooseLanguage(page: Page, language: UiLanguage): Promise<void> {
  await page.getByLabel(CATALOGUES.en.language).selectOption(language);
  await page.locator(`html[lang=${language}]`).waitFor({ state: 'attached' });
}
