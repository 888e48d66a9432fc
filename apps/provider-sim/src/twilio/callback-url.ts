/**
 * Twilio refuses a StatusCallback that is not a fully qualified http(s) URL (21609) at create
 * time, so a bad one fails the request rather than every later callback.
 */
export function isValidCallbackUrl(url: string): boolean {
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
