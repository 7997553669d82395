// Company news and boomerang rehire in a real browser, once in Japanese and once in English:
// a member posts news (Markdown, with a script that must stay inert) and publishes an opening
// through the pages; the alumna who consented to NEWS and REHIRE reads the news and applies;
// the member moves her application to HIRED on the board; the metrics page counts the hire.
// axe-core, the 375 px check and a screenshot on every page.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';

const TEXT = {
  ja: { company: 'みなと監査法人', posted: 'お知らせを掲載しました', published: '求人を公開しました', applied: '応募しました', hired: '採用', title: '大阪事務所を開設します', opening: '監査シニア' },
  en: { company: 'Minato Audit LLC', posted: 'The news is posted', published: 'The opening is published', applied: 'You applied', hired: 'Hired', title: 'We open an Osaka office', opening: 'Senior auditor' },
};

const browser = await launch();

async function logIn(page, email) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
}

async function run(lang) {
  const t = TEXT[lang];
  const stamp = Date.now();
  const admin = `nr-admin-${lang}-${stamp}@example.jp`;
  const alumna = `nr-alumna-${lang}-${stamp}@example.jp`;
  const adminToken = (await gql(null, SIGN_UP, { input: { email: admin, password, displayName: lang === 'ja' ? '田中 浩' : 'Hiroshi Tanaka' } })).signUp.token;
  const company = (await gql(adminToken, 'mutation($name: String!) { createCompany(input: { name: $name }) { id } }', { name: t.company })).createCompany.id;
  await gql(adminToken, 'mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }', { input: { companyId: company, emails: [alumna] } });
  const alumnaToken = (await gql(null, SIGN_UP, { input: { email: alumna, password, displayName: lang === 'ja' ? '中村 結衣' : 'Yui Nakamura' } })).signUp.token;
  for (const purpose of ['NEWS', 'REHIRE']) {
    await gql(alumnaToken, 'mutation($c: ID!, $p: ConsentPurpose!) { grantConsent(input: { companyId: $c, purpose: $p }) { id } }', { c: company, p: purpose });
  }
  const companyUrl = `${base}/companies/${company}`;

  // Staff: post news.
  const staff = await newPage(browser, lang);
  await logIn(staff.page, admin);
  await staff.page.goto(`${companyUrl}/news`);
  await audit(staff.page, lang, 'news-01-company-news');
  await staff.page.fill('input[name=title]', t.title);
  await staff.page.fill('textarea[name=body]', '**Osaka** 2027 <script>window.pwned=1</script> [x](javascript:alert(1))');
  await staff.page.check('input[name=pinned]');
  await Promise.all([staff.page.waitForURL(/done=posted/), staff.page.click('main form.stack button[type=submit]')]);
  check((await staff.page.textContent('main')).includes(t.posted), `${lang}: the news was posted`);
  await audit(staff.page, lang, 'news-02-posted');

  // Staff: publish an opening.
  await staff.page.goto(`${companyUrl}/openings`);
  await audit(staff.page, lang, 'news-03-company-openings');
  await staff.page.fill('input[name=title]', t.opening);
  await staff.page.fill('input[name=department]', lang === 'ja' ? '監査部' : 'Audit');
  await staff.page.fill('input[name=location]', lang === 'ja' ? '東京' : 'Tokyo');
  await staff.page.fill('textarea[name=description]', lang === 'ja' ? '経験者歓迎' : 'Welcome back');
  await Promise.all([staff.page.waitForURL(/done=published/), staff.page.click('main form.stack button[type=submit]')]);
  check((await staff.page.textContent('main')).includes(t.published), `${lang}: the opening was published`);

  // The alumna reads the news (inert) and applies.
  const her = await newPage(browser, lang);
  await logIn(her.page, alumna);
  await her.page.goto(`${base}/news`);
  const news = await her.page.textContent('main');
  check(news.includes(t.title), `${lang}: the consenting alumna sees the news`);
  check(await her.page.isVisible('.news-body strong'), `${lang}: Markdown is rendered`);
  check((await her.page.evaluate(() => window.pwned)) === undefined, `${lang}: the script did not run`);
  check((await her.page.locator('.news-body a[href^="javascript"]').count()) === 0, `${lang}: no javascript: link`);
  await audit(her.page, lang, 'news-04-alumna-news');
  await her.page.goto(`${base}/openings`);
  await audit(her.page, lang, 'news-05-alumna-openings');
  await her.page.fill('textarea[name=note]', lang === 'ja' ? 'よろしくお願いいたします。' : 'Glad to come back.');
  await Promise.all([her.page.waitForURL(/done=applied/), her.page.click('main form.stack button[type=submit]')]);
  check((await her.page.textContent('main')).includes(t.applied), `${lang}: she applied`);
  await audit(her.page, lang, 'news-06-applied');

  // Staff move her application to HIRED, one step at a time.
  for (const to of ['SCREENING', 'INTERVIEW', 'OFFER', 'HIRED']) {
    await staff.page.goto(`${companyUrl}/openings`);
    const button = staff.page.locator(`form:has(input[name=to][value=${to}]) button`);
    await Promise.all([staff.page.waitForURL(/done=moved/), button.click()]);
  }
  await audit(staff.page, lang, 'news-07-board-hired');
  check(await staff.page.locator('td .badge', { hasText: t.hired }).isVisible(), `${lang}: the application is HIRED on the board`);
  await her.page.goto(`${base}/openings`);
  check((await her.page.textContent('main')).includes(t.hired), `${lang}: she sees she is hired`);

  // The metrics page counts the hire.
  await staff.page.goto(`${companyUrl}/rehire-metrics`);
  await audit(staff.page, lang, 'news-08-metrics');
  check(await staff.page.locator('tr', { hasText: t.opening }).isVisible(), `${lang}: metrics per opening`);
  await staff.context.close();
  await her.context.close();
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
