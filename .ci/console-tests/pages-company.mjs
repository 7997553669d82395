// The company pages in a real browser, once in Japanese and once in English: an account made
// through the API logs in, creates a company through the page, adds a colleague as a member,
// pastes an alumni roster (one of whom has signed up), changes the settings, and picks a time
// zone on the home page. axe-core, the 375 px check and a screenshot on every page.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';

const TEXT = {
  ja: { company: 'みなと証券株式会社', saved: 'メンバーを保存しました', signedUp: '登録済み', settings: '設定を保存しました', added: '件のメールアドレス' },
  en: { company: 'Minato Securities Co., Ltd.', saved: 'The member was saved', signedUp: 'Signed up', settings: 'The settings were saved', added: 'email addresses are on the roster' },
};

const browser = await launch();

async function signUp(email, displayName) {
  await gql(null, SIGN_UP, { input: { email, password, displayName } });
}

async function run(lang) {
  const t = TEXT[lang];
  const stamp = Date.now();
  const admin = `company-admin-${lang}-${stamp}@example.jp`;
  const colleague = `company-member-${lang}-${stamp}@example.jp`;
  const alumna = `company-alumna-${lang}-${stamp}@example.jp`;
  await signUp(admin, lang === 'ja' ? '田中 浩' : 'Hiroshi Tanaka');
  await signUp(colleague, lang === 'ja' ? '伊藤 美咲' : 'Misaki Ito');
  await signUp(alumna, lang === 'ja' ? '中村 結衣' : 'Yui Nakamura');
  const { context, page } = await newPage(browser, lang);

  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', admin);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);

  // Create the company.
  await page.goto(`${base}/companies/new`);
  await audit(page, lang, 'company-01-new');
  await page.fill('input[name=name]', t.company);
  await Promise.all([page.waitForURL(/\/companies\/[^/]+$/), page.click('main button[type=submit]')]);
  const companyUrl = page.url();
  check(/\/companies\/[A-Za-z0-9_=-]+$/.test(companyUrl), `${lang}: redirected to the company (${companyUrl})`);

  // Members: add the colleague.
  await page.goto(`${companyUrl}/members`);
  await audit(page, lang, 'company-02-members');
  await page.fill('form.stack input[name=email]', colleague);
  await page.selectOption('form.stack select[name=role]', 'FINANCE');
  await Promise.all([page.waitForURL(/done=saved/), page.click('form.stack button[type=submit]')]);
  const members = await page.textContent('main');
  check(members.includes(t.saved) && members.includes(colleague), `${lang}: the member was added`);
  await audit(page, lang, 'company-03-member-added');
  // The last ADMIN cannot remove themself: the reason is shown next to the row.
  const row = page.locator('tr', { hasText: admin });
  await Promise.all([page.waitForLoadState('load'), row.locator('button.danger').click()]);
  check(await page.isVisible('[role=alert]'), `${lang}: removing the last admin is refused with a reason`);
  await audit(page, lang, 'company-04-last-admin-refused');

  // The roster: paste emails and CSV lines.
  await page.goto(`${companyUrl}/alumni`);
  await audit(page, lang, 'company-05-roster-empty');
  await page.fill('textarea[name=emails]', `email,name\n${alumna},Yui\nnot-yet-${stamp}@example.jp`);
  await Promise.all([page.waitForURL(/added=/), page.click('main form.stack button[type=submit]')]);
  const roster = await page.textContent('main');
  check(roster.includes(t.added) && roster.includes(alumna), `${lang}: the roster was pasted`);
  check(await page.locator('tr', { hasText: alumna }).locator('.badge.good').isVisible(), `${lang}: who signed up is shown`);
  await audit(page, lang, 'company-06-roster');

  // Settings.
  await page.goto(`${companyUrl}/settings`);
  await audit(page, lang, 'company-07-settings');
  await page.fill('input[name=review_window_days]', '21');
  await Promise.all([page.waitForURL(/done=saved/), page.click('main button[type=submit]')]);
  check((await page.textContent('main')).includes(t.settings), `${lang}: the settings were saved`);
  check((await page.inputValue('input[name=review_window_days]')) === '21', `${lang}: the review window is 21`);
  await audit(page, lang, 'company-08-settings-saved');

  // The time zone moves the home page's times.
  await page.goto(`${base}/`);
  check((await page.textContent('main')).includes('JST'), `${lang}: times in JST by default`);
  await page.selectOption('select[name=to]', 'Europe/London');
  await Promise.all([page.waitForURL(`${base}/`), page.click('.tz-form button')]);
  const home = await page.textContent('main');
  check(!home.includes('JST') && /GMT|BST/.test(home), `${lang}: times moved to London`);
  await audit(page, lang, 'company-09-home-time-zone');
  await context.close();
}

for (const lang of ['ja', 'en']) {
  try {
    await run(lang);
  } catch (err) {
    check(false, `${lang}: ${err.stack ?? err}`);
  }
}
await browser.close();
finish();
