import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Issue 28, navigation: the Keycloak realm people sign in through in a deployment speaks
 * Vietnamese first. Keycloak 26 ships no Vietnamese login messages, so the realm carries the
 * login page's texts itself (`localizationTexts.vi`, realm localization, imported with the realm):
 * every message of the username/password page, its errors and the expired-page notice.
 */
const realm = JSON.parse(readFileSync(new URL('../../deploy/keycloak/vaxverify-realm.json', import.meta.url), 'utf8')) as {
  internationalizationEnabled?: boolean; supportedLocales?: string[]; defaultLocale?: string; loginTheme?: string;
  localizationTexts?: Record<string, Record<string, string>>;
};

/** The messages the login theme's sign-in page, its errors and the expired-session page show. */
const LOGIN_PAGE_KEYS = [
  'loginAccountTitle', 'usernameOrEmail', 'password', 'doLogIn', 'doForgotPassword', 'rememberMe',
  'invalidUserMessage', 'missingUsernameMessage', 'missingPasswordMessage', 'accountDisabledMessage', 'accountTemporarilyDisabledMessage',
  'expiredCodeMessage', 'loginTimeout', 'cookieNotFoundMessage', 'pageExpiredTitle', 'pageExpiredMsg1', 'pageExpiredMsg2', 'doClickHere',
  'errorTitle', 'backToApplication', 'doLogOut', 'logoutConfirmHeader',
];
/** Words of Keycloak's English messages that a Vietnamese text never holds. */
const ENGLISH = /\b(sign|log|in|password|username|email|invalid|expired|account|click|here|back|error|remember|forgot)\b/i;

describe('the Keycloak realm speaks Vietnamese first', () => {
  it('turns on internationalization with vi (default) and en', () => {
    expect(realm.internationalizationEnabled).toBe(true);
    expect(realm.supportedLocales).toEqual(['vi', 'en']);
    expect(realm.defaultLocale).toBe('vi');
    expect(realm.loginTheme).toBe('keycloak');
  });

  it('carries the login page\'s Vietnamese messages Keycloak lacks, none of them English', () => {
    const vi = realm.localizationTexts?.vi ?? {};
    const missing = LOGIN_PAGE_KEYS.filter((k) => !vi[k]?.trim());
    expect(missing).toEqual([]);
    const english = Object.entries(vi).filter(([k, v]) => k !== 'locale_en' && ENGLISH.test(v.normalize('NFD').replace(/[\u0300-\u036f]/g, '')));
    expect(english).toEqual([]);
    expect(vi.doLogIn).toBe('Đăng nhập');
    expect(vi.invalidUserMessage).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    // Only the languages the realm offers.
    expect(Object.keys(realm.localizationTexts ?? {})).toEqual(['vi']);
  });
});
