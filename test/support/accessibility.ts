import { source as axeSource } from 'axe-core';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

type Impact = Exclude<ImpactValue, null>;

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** EN 301 549 asks for WCAG 2.1 level AA: the A and AA rules of WCAG 2.0 and of 2.1. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** What a person cannot get past; minor and moderate findings are for a human review, not a gate. */
const BLOCKING: Impact[] = ['serious', 'critical'];

/** How many selectors of one rule a report names before it says how many more there are. */
const TARGETS_SHOWN = 3;

type AxeWindow = { axe?: { run(context: unknown, options: RunOptions): Promise<AxeResults> } };

/**
 * Loads axe-core into the page's own document, once per document.
 *
 * The console is served with `script-src 'self'`: a `<script>` with axe's source inline (what
 * page.addScriptTag({ content }) makes) is blocked, and the blocked attempt itself is reported as a
 * console error, which the console test counts as a failure. page.evaluate is not a script the
 * page loads: Playwright hands the source to Chromium over the DevTools protocol
 * (Runtime.evaluate), which CSP does not govern — tried against the console's real policy. The page
 * keeps its policy; a bypassCSP context would have tested a console with none.
 */
async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => typeof (globalThis as AxeWindow).axe?.run === 'function')) return;
  await page.evaluate(axeSource);
  if (!(await page.evaluate(() => typeof (globalThis as AxeWindow).axe?.run === 'function'))) throw new Error('axe-core did not load into the page');
}

/** Runs axe-core's WCAG 2.1 A and AA rules on the page as it is now; the violations of the given impacts (serious and critical unless told). */
export async function accessibilityViolations(page: Page, options: { impacts?: Impact[] } = {}): Promise<A11yViolation[]> {
  const impacts = options.impacts ?? BLOCKING;
  await injectAxe(page);
  const violations = await page.evaluate(
    async ({ tags }) => {
      const axe = (globalThis as AxeWindow).axe!;
      const results = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'unknown',
        help: v.help,
        // A selector into a shadow root comes as a list, one selector per level.
        targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ')),
      }));
    },
    { tags: WCAG_21_AA },
  );
  return violations.filter((v) => (impacts as string[]).includes(v.impact));
}

/** One line per violation: rule, impact, what it asks, and where. */
export function describeViolations(violations: A11yViolation[]): string {
  return violations
    .map((v) => {
      const more = v.targets.length > TARGETS_SHOWN ? ` (+${v.targets.length - TARGETS_SHOWN} more)` : '';
      return `${v.id} [${v.impact}] ${v.help}: ${v.targets.slice(0, TARGETS_SHOWN).join(', ')}${more}`;
    })
    .join('\n');
}

/** Fails with every serious or critical violation on the page, named after `name` (the page or state audited). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  if (violations.length > 0) throw new Error(`${name}: ${violations.length} accessibility violation(s) (WCAG 2.1 AA, axe-core)\n${describeViolations(violations)}`);
}
