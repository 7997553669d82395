// The finance pages in Japanese and English: seeded through the API (a company with its
// finance member, an alumna with an accepted milestone and her invoice), then through the
// pages: the queue, the CSV download (with the BOM), the invoice page, approve, record the
// bank payment, PAID shown, the payouts page. axe-core and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage, signUp } from './lib.mjs';

const TEXT = {
  ja: { queue: '請求書一覧', approved: '承認済み', paid: '支払済み', approve: '請求書を承認する', record: '振込を記録する', csv: 'CSVをダウンロード', due: '支払期日' },
  en: { queue: 'Invoice queue', approved: 'Approved', paid: 'Paid', approve: 'Approve invoice', record: 'Record bank payment', csv: 'Download CSV', due: 'Payment due' },
};

async function seed(lang) {
  const tag = `fin${lang}${Date.now()}`;
  const admin = await signUp(`${tag}-admin@example.jp`, lang === 'ja' ? '佐藤 管理' : 'Admin Sato');
  const company = (await gql(admin, 'mutation($n: String!) { createCompany(input: { name: $n }) { id } }', {
    n: lang === 'ja' ? `みずほ家具 ${tag}` : `Mizuho Furniture ${tag}`,
  })).createCompany.id;
  const finance = await signUp(`${tag}-finance@example.jp`, lang === 'ja' ? '高橋 経理' : 'Takahashi Finance');
  await gql(admin, 'mutation($i: AddCompanyMemberInput!) { addCompanyMember(input: $i) { id } }', {
    i: { companyId: company, email: `${tag}-finance@example.jp`, role: 'FINANCE' },
  });
  const alumnaEmail = `${tag}-alumna@example.jp`;
  await gql(admin, 'mutation($i: AddAlumniInput!) { addAlumni(input: $i) { id } }', {
    i: { companyId: company, emails: [alumnaEmail] },
  });
  const alumna = await signUp(alumnaEmail, lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
  const project = (await gql(admin, 'mutation($i: PublishProjectInput!) { publishProject(input: $i) { id } }', {
    i: {
      companyId: company,
      title: lang === 'ja' ? '顧客離反分析' : 'Churn analysis',
      description: 'Model churn drivers from two years of account data.',
      category: 'DATA_ANALYSIS', skills: ['SQL'],
      budget: { amount: '280000', currencyCode: 'JPY' }, visibility: 'COMPANY_ALUMNI',
    },
  })).publishProject.id;
  const bid = (await gql(alumna, 'mutation($i: PlaceBidInput!) { placeBid(input: $i) { id } }', {
    i: { projectId: project, amount: { amount: '280000', currencyCode: 'JPY' }, deliveryDays: 14, proposal: 'I built a churn model before.' },
  })).placeBid.id;
  const contract = (await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', { id: bid })).acceptBid.id;
  const milestones = (await gql(alumna, 'query($id: ID!) { contract(id: $id) { milestones { id } } }', { id: contract })).contract.milestones;
  for (const m of milestones) {
    await gql(alumna, 'mutation($i: SubmitDeliveryInput!) { submitDelivery(input: $i) { id } }', {
      i: { milestoneId: m.id, note: 'Report attached.', links: ['https://drive.example.jp/churn'] },
    });
    await gql(admin, 'mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id } }', { id: m.id });
  }
  const invoice = (await gql(alumna, 'mutation($i: SubmitInvoiceInput!) { submitInvoice(input: $i) { id } }', {
    i: { contractId: contract, milestoneId: milestones[0].id, amount: { amount: '280000', currencyCode: 'JPY' }, description: lang === 'ja' ? '第1回納品分' : 'First delivery' },
  })).submitInvoice.id;
  return { finance, company, invoice };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { finance, company, invoice } = await seed(lang);
  const { context, page } = await newPage(browser, lang);
  await context.addCookies([{ name: 'boomerang_session', value: finance, url: base }]);

  await page.goto(`${base}/finance?company=${encodeURIComponent(company)}`);
  check((await page.textContent('h1')).includes(t.queue), `${lang}: the queue's title`);
  check((await page.textContent('main')).includes('¥280,000'), `${lang}: the queue shows the amount and total`);
  await audit(page, lang, 'finance-01-queue');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`text=${t.csv}`)]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(path);
  check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, `${lang}: the CSV starts with the BOM`);
  check(bytes.toString('utf8').includes(t.due), `${lang}: the CSV's headers are in ${lang}`);
  check(/^invoices-\d{8}\.csv$/.test(download.suggestedFilename()), `${lang}: the CSV's file name`);

  await page.goto(`${base}/invoices/${encodeURIComponent(invoice)}`);
  await audit(page, lang, 'finance-02-invoice');
  await Promise.all([page.waitForURL(/done=approved/), page.click(`button:has-text("${t.approve}")`)]);
  check((await page.textContent('main')).includes(t.approved), `${lang}: approved shown`);
  await audit(page, lang, 'finance-03-approved');
  await page.fill('input[name=reference]', 'MUFG-20261126-001');
  await Promise.all([page.waitForURL(/done=paid/), page.click(`button:has-text("${t.record}")`)]);
  const paid = await page.textContent('main');
  check(paid.includes(t.paid) && paid.includes('MUFG-20261126-001'), `${lang}: PAID shown with the reference`);
  await audit(page, lang, 'finance-04-paid');

  await page.goto(`${base}/finance/payouts`);
  check((await page.textContent('main')).includes('MUFG-20261126-001'), `${lang}: the payout is listed`);
  await audit(page, lang, 'finance-05-payouts');
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
