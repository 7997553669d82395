// The marketplace pages in chromium, once in Japanese and once in English: seeded through the
// API (a company with its staff member, an alumna on its roster, an open project), the alumna
// browses, opens the project, bids with two milestones and sees her bids; the staff member
// opens the companies list and the dashboard, the publish form, the project and its bids side
// by side, and accepts the bid (which leads to the contract's page). axe-core and the 375 px
// check on every page. Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';

const TEXT = {
  ja: { placed: '提案を送信しました。', pending: '選考中', open: '募集中の案件', compare: '提案を比較する' },
  en: { placed: 'Your bid is placed.', pending: 'Pending', open: 'Open projects', compare: 'Compare bids' },
};

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';

async function signUp(email, displayName) {
  const data = await gql(null, SIGN_UP, { input: { email, password, displayName } });
  return data.signUp.token;
}

async function seed(lang) {
  const tag = `${lang}${Date.now()}`;
  const staffEmail = `market-staff-${tag}@example.jp`;
  const alumnaEmail = `market-alumna-${tag}@example.jp`;
  const staff = await signUp(staffEmail, lang === 'ja' ? '佐藤 健' : 'Ken Sato');
  const company = (
    await gql(staff, 'mutation($name: String!) { createCompany(input: { name: $name }) { id } }', {
      name: lang === 'ja' ? `みなと証券 ${tag}` : `Minato Securities ${tag}`,
    })
  ).createCompany.id;
  await gql(staff, 'mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }', {
    input: { companyId: company, emails: [alumnaEmail] },
  });
  await signUp(alumnaEmail, lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
  const project = (
    await gql(
      staff,
      'mutation($input: PublishProjectInput!) { publishProject(input: $input) { id } }',
      {
        input: {
          companyId: company,
          title: lang === 'ja' ? '顧客離反分析モデルの構築' : 'Customer churn model',
          description:
            lang === 'ja'
              ? '2 年分の口座データから解約要因を分析していただきます。'
              : 'Model churn drivers from two years of account data.',
          category: 'DATA_ANALYSIS',
          skills: ['SQL', 'Python'],
          budget: { amount: '300000', currencyCode: 'JPY' },
          visibility: 'COMPANY_ALUMNI',
        },
      },
    )
  ).publishProject.id;
  return { staffEmail, alumnaEmail, company, project };
}

async function logIn(page, email) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const s = await seed(lang);

  // The alumna: browse, the project, a bid with two milestones, her bids.
  const alumna = await newPage(browser, lang);
  let page = alumna.page;
  await logIn(page, s.alumnaEmail);
  await page.goto(`${base}/projects?company=${s.company}`);
  check((await page.textContent('main')).includes(t.open), `${lang}: browse lists open projects`);
  await audit(page, lang, 'market-01-browse');
  await Promise.all([page.waitForURL(`${base}/projects/${s.project}`), page.click(`a[href="/projects/${s.project}"]`)]);
  await audit(page, lang, 'market-02-project');
  await page.fill('input[name=amount]', '300000');
  await page.fill('input[name=delivery_days]', '30');
  await page.fill('textarea[name=proposal]', lang === 'ja' ? '銀行で解約予測モデルを構築した経験があります。' : 'I built the bank’s first churn model.');
  const titles = page.locator('input[name=milestone_title]');
  const amounts = page.locator('input[name=milestone_amount]');
  await titles.nth(0).fill(lang === 'ja' ? '要件定義' : 'Requirements');
  await amounts.nth(0).fill('100000');
  await titles.nth(1).fill(lang === 'ja' ? 'モデル構築' : 'Model');
  await amounts.nth(1).fill('200000');
  await Promise.all([
    page.waitForURL(`${base}/projects/${s.project}?done=placed`),
    page.click('form.bid-form button[type=submit]'),
  ]);
  const placed = await page.textContent('main');
  check(placed.includes(t.placed) && placed.includes(t.pending), `${lang}: the bid is placed and pending`);
  check(placed.includes('¥200,000'), `${lang}: the bid shows its milestones`);
  await audit(page, lang, 'market-03-bid-placed');
  await page.goto(`${base}/bids`);
  check((await page.textContent('main')).includes('¥300,000'), `${lang}: my bids lists the bid`);
  await audit(page, lang, 'market-04-my-bids');
  await alumna.context.close();

  // The staff member: companies, dashboard, publish form, the project, compare, accept.
  const staff = await newPage(browser, lang);
  page = staff.page;
  await logIn(page, s.staffEmail);
  await page.goto(`${base}/companies`);
  await audit(page, lang, 'market-05-companies');
  await Promise.all([page.waitForURL(`${base}/companies/${s.company}`), page.click(`a[href="/companies/${s.company}"]`)]);
  check((await page.textContent('main')).includes(lang === 'ja' ? '顧客離反分析モデルの構築' : 'Customer churn model'), `${lang}: the dashboard lists the open project`);
  await audit(page, lang, 'market-06-dashboard');
  await page.goto(`${base}/projects/new?company=${s.company}`);
  await audit(page, lang, 'market-07-new-project');
  await page.goto(`${base}/projects/${s.project}`);
  check((await page.textContent('main')).includes(t.compare), `${lang}: staff see the link to the bids`);
  await audit(page, lang, 'market-08-project-staff');
  await page.goto(`${base}/projects/${s.project}/bids`);
  await audit(page, lang, 'market-09-compare');
  await Promise.all([
    page.waitForURL(/\/contracts\//),
    page.click('form[action$="/accept"] button[type=submit]'),
  ]);
  check(/\/contracts\/[^/]+\?done=accepted$/.test(page.url()), `${lang}: accepting leads to the contract (${page.url()})`);
  await staff.context.close();
}

await run('ja');
await run('en');
await browser.close();
finish();
