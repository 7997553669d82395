// The engagements pages in chromium, once in Japanese and once in English: seeded through
// the API up to an ACTIVE contract of two milestones (company staff and an alumna signed up,
// the roster, a project, a bid, its acceptance), then through the pages only: the alumna
// opens /work and the contract and submits a delivery; staff accept it; the alumna invoices
// the accepted milestone; staff end a second contract. axe-core and a screenshot on each page.
import { audit, base, check, finish, gql, launch, mailedLink, newPage } from './lib.mjs';

const password = 'correct horse battery staple';

const TEXT = {
  ja: {
    work: '稼働状況',
    delivered: '納品しました',
    awaiting: '検収待ち',
    accepted: '納品物を検収しました',
    invoiced: '請求書を提出しました',
    invoiceStatus: '承認待ち',
    ended: '契約を終了しました',
    reason: '社内の予算が凍結されたため、契約を終了します。',
    note: '顧客離反の分析レポートと Notebook を納品します。',
  },
  en: {
    work: 'My work',
    delivered: 'Delivery submitted',
    awaiting: 'Awaiting review',
    accepted: 'Delivery accepted.',
    invoiced: 'Invoice submitted.',
    invoiceStatus: 'Awaiting approval',
    ended: 'The contract has ended.',
    reason: 'The budget was frozen; we end the contract.',
    note: 'Churn report and notebook attached.',
  },
};

async function signUp(email, displayName) {
  const data = await gql(
    null,
    'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
    { input: { email, password, displayName } },
  );
  return data.signUp.token;
}

async function contract(admin, companyId, alumna, title, milestones) {
  const project = await gql(
    admin,
    'mutation($input: PublishProjectInput!) { publishProject(input: $input) { id } }',
    {
      input: {
        companyId,
        title,
        description: 'Model churn drivers from two years of account data.',
        category: 'DATA_ANALYSIS',
        skills: ['SQL', 'Python'],
        budget: { amount: '280000', currencyCode: 'JPY' },
        visibility: 'COMPANY_ALUMNI',
      },
    },
  );
  const bid = await gql(
    alumna,
    'mutation($input: PlaceBidInput!) { placeBid(input: $input) { id } }',
    {
      input: {
        projectId: project.publishProject.id,
        amount: { amount: '280000', currencyCode: 'JPY' },
        deliveryDays: 30,
        proposal: 'I built the first churn model of this bank.',
        milestones,
      },
    },
  );
  const accepted = await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', {
    id: bid.placeBid.id,
  });
  return accepted.acceptBid.id;
}

// A company, its ADMIN, a verified alumna on its roster, and two ACTIVE contracts.
async function seed(lang) {
  const tag = `${lang}${Date.now()}`;
  const admin = await signUp(`admin-${tag}@company.example`, lang === 'ja' ? '佐藤 人事' : 'Pat Admin');
  const company = await gql(admin, 'mutation($name: String!) { createCompany(input: { name: $name }) { id } }', {
    name: lang === 'ja' ? `みらい証券 ${tag}` : `Mirai Securities ${tag}`,
  });
  const companyId = company.createCompany.id;
  const alumnaEmail = `alumna-${tag}@alumni.example`;
  await gql(admin, 'mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }', {
    input: { companyId, emails: [alumnaEmail] },
  });
  const alumna = await signUp(alumnaEmail, lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
  const link = await mailedLink(alumnaEmail, '/verify-email?token=');
  const token = new URL(link).searchParams.get('token');
  await gql(null, 'mutation($t: String!) { verifyEmail(token: $t) { email } }', { t: token });
  const first = await contract(admin, companyId, alumna, lang === 'ja' ? '解約要因の分析' : 'Churn analysis', [
    { title: lang === 'ja' ? 'データ整備' : 'Data preparation', amount: { amount: '100000', currencyCode: 'JPY' } },
    { title: lang === 'ja' ? '分析レポート' : 'Analysis report', amount: { amount: '180000', currencyCode: 'JPY' } },
  ]);
  const second = await contract(admin, companyId, alumna, lang === 'ja' ? '広告効果の測定' : 'Ad measurement', null);
  return { admin, alumna, first, second };
}

async function signedIn(browser, lang, token) {
  const { context, page } = await newPage(browser, lang);
  await context.addCookies([{ name: 'boomerang_session', value: token, url: base }]);
  return { context, page };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const s = await seed(lang);
  const contractPath = `/contracts/${s.first}`;

  // The alumna: her overview, the contract, a delivery.
  const a = await signedIn(browser, lang, s.alumna);
  await a.page.goto(`${base}/work`);
  check((await a.page.textContent('h1')).includes(t.work), `${lang}: /work`);
  check((await a.page.textContent('main')).includes('¥280,000'), `${lang}: /work shows the amounts`);
  await audit(a.page, lang, 'engagements-01-work');
  await Promise.all([a.page.waitForURL(`${base}${contractPath}`), a.page.click(`main a[href="${contractPath}"]`)]);
  await audit(a.page, lang, 'engagements-02-contract-freelancer');
  const deliver = a.page.locator('form[action$="/delivery"]').first();
  await deliver.locator('textarea[name=note]').fill(t.note);
  await deliver.locator('textarea[name=links]').fill('https://drive.example.jp/churn');
  await Promise.all([a.page.waitForURL(/done=delivered/), deliver.locator('button').click()]);
  const main = await a.page.textContent('main');
  check(main.includes(t.delivered) && main.includes(t.awaiting), `${lang}: delivered`);
  await audit(a.page, lang, 'engagements-03-delivered');

  // Staff: the list, the contract, acceptance.
  const b = await signedIn(browser, lang, s.admin);
  await b.page.goto(`${base}/contracts`);
  check((await b.page.locator(`main a[href="${contractPath}"]`).count()) === 1, `${lang}: staff list the contract`);
  await audit(b.page, lang, 'engagements-04-contracts');
  await b.page.goto(`${base}${contractPath}`);
  await audit(b.page, lang, 'engagements-05-contract-staff');
  await Promise.all([
    b.page.waitForURL(/done=accepted/),
    b.page.locator('form[action$="/accept"] button').click(),
  ]);
  check((await b.page.textContent('main')).includes(t.accepted), `${lang}: accepted`);
  await audit(b.page, lang, 'engagements-06-accepted');

  // The alumna invoices the accepted milestone (amount prefilled).
  await a.page.goto(`${base}${contractPath}`);
  const invoice = a.page.locator('form[action$="/invoices"]');
  check((await invoice.locator('input[name=amount]').inputValue()) === '100000', `${lang}: amount prefilled`);
  await audit(a.page, lang, 'engagements-07-invoice-form');
  await Promise.all([a.page.waitForURL(/done=invoiced/), invoice.locator('button').click()]);
  const invoiced = await a.page.textContent('main');
  check(invoiced.includes(t.invoiced) && invoiced.includes(t.invoiceStatus), `${lang}: invoiced`);
  await audit(a.page, lang, 'engagements-08-invoiced');
  await a.page.goto(`${base}/work`);
  check((await a.page.textContent('main')).includes(t.invoiceStatus), `${lang}: /work lists the invoice`);
  await audit(a.page, lang, 'engagements-09-work-invoiced');

  // Staff end the second contract, behind the warning and the confirmation.
  await b.page.goto(`${base}/contracts/${s.second}`);
  await b.page.click('details.end summary');
  await b.page.fill('details.end textarea[name=reason]', t.reason);
  await b.page.check('details.end input[name=confirm]');
  await audit(b.page, lang, 'engagements-10-end-form');
  await Promise.all([b.page.waitForURL(/done=ended/), b.page.click('details.end button.danger')]);
  const ended = await b.page.textContent('main');
  check(ended.includes(t.ended) && ended.includes(t.reason), `${lang}: ended with the reason`);
  await b.page.click('main details:not(.end) summary');
  await audit(b.page, lang, 'engagements-11-ended-audit');

  await a.context.close();
  await b.context.close();
}

try {
  await run('ja');
  await run('en');
} catch (err) {
  check(false, `script error: ${err.stack ?? err}`);
} finally {
  await browser.close();
}
finish();
