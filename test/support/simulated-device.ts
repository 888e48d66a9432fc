import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../../bench/src/support/wait-for';

/**
 * The simulator's phones page, narrowed to one inbox or phone as a person would, by typing its
 * address; waits until a message matching `waitForText` is on it.
 */
export async function openSimulatedDevice(page: Page, simUrl: string, to: string, waitForText: RegExp): Promise<Locator> {
  await page.goto(`${simUrl}/__sim/phones`);
  await page.getByLabel('filter by number or address').fill(to);
  const device = page.locator(`section.device[data-to="${to}"]`);
  await waitFor(
    async () => (await device.count()) > 0 && waitForText.test(await device.innerText()),
    (found) => found,
    { what: `a message matching ${waitForText} for ${to}`, timeoutMs: 30_000, intervalMs: 500 },
  );
  return device;
}
