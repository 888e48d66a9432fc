/**
 * Where the pages a member opens live on intake's public origin. Every link the system sends a
 * member (e-mail, SMS, List-Unsubscribe) points to one of these pages, never to a JSON endpoint:
 * a person clicks it, and a GET only shows; the page's button (a form POST) acts.
 */
export const MEMBER_PAGE_PATHS = {
  join: '/join',
  /** `/join/<memberId>/code`: the SMS code of an application. */
  smsCode: (memberId: string) => `/join/${memberId}/code`,
  /** `/join/<memberId>/phone-code`: the code the call to an application's phone for calls said. */
  phoneCode: (memberId: string) => `/join/${memberId}/phone-code`,
  confirmEmail: '/confirm-email',
  preferences: '/preferences',
  askPreferencesLink: '/preferences/link',
  /** The preference centre's phone for calls: give a number (a call says its code), enter the code, be called again. */
  preferencesPhone: '/preferences/phone',
  preferencesPhoneCode: '/preferences/phone/code',
  preferencesPhoneRecall: '/preferences/phone/recall',
  subscribe: '/subscribe',
  /** Also takes the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`). */
  unsubscribe: '/unsubscribe',
  resign: '/resign',
} as const;
