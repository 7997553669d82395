// Drives Debian's chromium (headless, 375 px wide) through the console's sign-in pages, once
// in Japanese and once in English: sign up, verify through the mailed link, log out, log in,
// reset the password through the mailed link, log in again. On every page: axe-core (serious
// or critical violations fail), a screenshot under target/console-screenshots/, no CSP
// violation in the console. Every request must stay on 127.0.0.1.
//
// The mailed links come from the server's log: .ci/run starts the server in development
// without SMTP, so the mail worker's log backend prints each mail's recipient and link.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, countLinks, finish, launch, mailedLink, newPage } from './lib.mjs';

const password = 'correct horse battery staple';
const newPassword = 'a brand new long password';

const TEXT = {
  ja: {
    greeting: 'さんとしてログイン中です',
    verified: 'を確認しました',
    unverified: '未確認',
    verifiedBadge: '確認済み',
    logOut: 'ログアウト',
    logIn: 'ログイン',
    forgot: 'パスワードをお忘れの方',
    sendLink: 'リンクを送信する',
    saveNew: '新しいパスワードを保存する',
    resetDone: 'パスワードを変更しました',
    name: '山田 愛子',
  },
  en: {
    greeting: 'Signed in as',
    verified: 'is verified',
    unverified: 'Not verified yet',
    verifiedBadge: 'Verified',
    logOut: 'Log out',
    logIn: 'Log in',
    forgot: 'Forgot your password?',
    sendLink: 'Send the link',
    saveNew: 'Save the new password',
    resetDone: 'Your password has been changed',
    name: 'Aiko Yamada',
  },
};

const browser = await launch();

async function run(lang) {
  const { context, page } = await newPage(browser, lang);
  const t = TEXT[lang];
  const email = `browser-${lang}-${Date.now()}@example.jp`;

  // Sign up.
  await page.goto(`${base}/signup`);
  check((await page.getAttribute('html', 'lang')) === lang, `${lang}: /signup in ${lang}`);
  await audit(page, lang, '01-signup');
  await page.fill('input[name=display_name]', t.name);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/?welcome=1`), page.click('main button[type=submit]')]);
  const home = await page.textContent('main');
  check(home.includes(t.greeting) && home.includes(t.name), `${lang}: greeted after sign-up`);
  check(home.includes(t.unverified), `${lang}: not verified yet`);
  await audit(page, lang, '02-home-unverified');

  // Progressive enhancement: htmx posts the resend form and swaps the notice in place (the
  // address stays), which it can only do if it loaded and ran under the CSP.
  await page.click('#verification button');
  await page.waitForSelector('#verification [role=status]');
  check(page.url() === `${base}/?welcome=1`, `${lang}: htmx swapped the notice in place`);
  await audit(page, lang, '02b-verification-resent');

  // Verify through the mailed link.
  const verifyLink = await mailedLink(email, '/verify-email?token=', 1);
  await page.goto(verifyLink);
  await audit(page, lang, '03a-verify-confirm');
  // Opening the link only shows a button (mail scanners open links too); the button verifies.
  await Promise.all([page.waitForURL(`${base}/verify-email`), page.click('main button[type=submit]')]);
  check((await page.textContent('main')).includes(t.verified), `${lang}: the link verified`);
  await audit(page, lang, '03-verified');

  // Log out, log in.
  await Promise.all([page.waitForURL(`${base}/login`), page.click(`text=${t.logOut}`)]);
  await audit(page, lang, '04-login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'not the right password');
  await page.click('main button[type=submit]');
  check(await page.isVisible('[role=alert]'), `${lang}: a wrong password is explained`);
  check((await page.inputValue('input[name=email]')) === email, `${lang}: the address is kept`);
  await audit(page, lang, '05-login-refused');
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
  check((await page.textContent('main')).includes(t.verifiedBadge), `${lang}: verified on home`);
  await audit(page, lang, '06-home');

  // Log out, reset the password through the mailed link, log in with the new one.
  await Promise.all([page.waitForURL(`${base}/login`), page.click(`text=${t.logOut}`)]);
  await Promise.all([page.waitForURL(`${base}/forgot-password`), page.click(`text=${t.forgot}`)]);
  await audit(page, lang, '07-forgot');
  const before = countLinks(email, '/reset-password?token=');
  await page.fill('input[name=email]', email);
  await page.click(`text=${t.sendLink}`);
  check(await page.isVisible('[role=status]'), `${lang}: the reset mail is announced`);
  await audit(page, lang, '08-forgot-sent');
  const resetLink = await mailedLink(email, '/reset-password?token=', before);
  await page.goto(resetLink);
  await audit(page, lang, '09-reset');
  await page.fill('input[name=new_password]', newPassword);
  await page.click(`text=${t.saveNew}`);
  check((await page.textContent('main')).includes(t.resetDone), `${lang}: password changed`);
  await audit(page, lang, '10-reset-done');
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', newPassword);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
  check((await page.textContent('main')).includes(t.greeting), `${lang}: logged in with the new password`);

  // The language switch.
  const other = lang === 'ja' ? 'en' : 'ja';
  await page.click(`header a[lang=${other}]`);
  await page.waitForURL(`${base}/`);
  check((await page.getAttribute('html', 'lang')) === other, `${lang}: switched to ${other}`);
  await page.reload();
  check((await page.getAttribute('html', 'lang')) === other, `${lang}: ${other} remembered`);

  // htmx loaded under the CSP.
  check(await page.evaluate(() => typeof window.htmx === 'object'), `${lang}: htmx loaded`);
  await context.close();
}

for (const lang of ['ja', 'en']) {
  try {
    await run(lang);
  } catch (err) {
    check(false, `${lang}: ${err.message}`);
  }
}
await browser.close();
finish();
