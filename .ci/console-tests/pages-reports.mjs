// The finance reports in Japanese and English (issue 12): seeded through the API (a company,
// its finance member, an alumna paid a design fee with withholding, an invoice rejected with a
// reason code), then through the pages: the withholding report, the payment records, the
// exports (a CSV with the BOM), the compliance report for ADMIN, the reject form's reason
// codes and the end-contract form's notice. axe-core, 375 px and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage, signUp } from './lib.mjs';

const TEXT = {
  ja: { withholding: '源泉徴収税額の納付', due: '納付期限', records: '支払調書データ', exports: 'エクスポート', compliance: 'コンプライアンスレポート', code: '請求内容に誤りがある', notice: '30日後に終了', csvHeader: '源泉徴収税額', myNumber: 'マイナンバー' },
  en: { withholding: 'Withholding tax to remit', due: 'Due date', records: 'Payment records', exports: 'Exports', compliance: 'Compliance report', code: 'Error in the invoice', notice: 'ends 30 days after you give notice', csvHeader: 'Withholding tax', myNumber: 'My Number' },
};

async function seed(lang) {
  const tag = `rep${lang}${Date.now()}`;
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
  await gql(alumna, 'mutation($i: PayeeProfileInput!) { updatePayeeProfile(input: $i) { id } }', {
    i: { payeeType: 'INDIVIDUAL', legalName: '山田 花子', address: '東京都千代田区丸の内1-1-1' },
  });
  const project = (await gql(admin, 'mutation($i: PublishProjectInput!) { publishProject(input: $i) { id } }', {
    i: {
      companyId: company,
      title: lang === 'ja' ? '新商品カタログのデザイン' : 'Catalogue design',
      description: 'Design the spring catalogue.',
      category: 'DESIGN', skills: ['Illustrator'],
      budget: { amount: '220000', currencyCode: 'JPY' }, visibility: 'COMPANY_ALUMNI',
    },
  })).publishProject.id;
  const bid = (await gql(alumna, 'mutation($i: PlaceBidInput!) { placeBid(input: $i) { id } }', {
    i: { projectId: project, amount: { amount: '220000', currencyCode: 'JPY' }, deliveryDays: 14, proposal: 'I designed the last three catalogues.' },
  })).placeBid.id;
  const contract = (await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', { id: bid })).acceptBid.id;
  const milestones = (await gql(alumna, 'query($id: ID!) { contract(id: $id) { milestones { id } } }', { id: contract })).contract.milestones;
  for (const m of milestones) {
    await gql(alumna, 'mutation($i: SubmitDeliveryInput!) { submitDelivery(input: $i) { id } }', {
      i: { milestoneId: m.id, note: 'Files attached.', links: ['https://drive.example.jp/catalogue'] },
    });
    await gql(admin, 'mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id } }', { id: m.id });
  }
  const submit = async (amount) => (await gql(alumna, 'mutation($i: SubmitInvoiceInput!) { submitInvoice(input: $i) { id } }', {
    i: { contractId: contract, amount: { amount, currencyCode: 'JPY' }, description: lang === 'ja' ? 'デザイン料' : 'Design fee' },
  })).submitInvoice.id;
  const paid = await submit('200000');
  const payout = (await gql(finance, 'mutation($id: ID!) { approveInvoice(id: $id) { payout { id } } }', { id: paid })).approveInvoice.payout.id;
  await gql(finance, 'mutation($i: MarkPayoutPaidInput!) { markPayoutPaid(input: $i) { id } }', {
    i: { payoutId: payout, reference: 'MUFG-20261126-002' },
  });
  const open = await submit('20000');
  return { admin, finance, company, open, contract };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { admin, finance, company, open, contract } = await seed(lang);
  const { context, page } = await newPage(browser, lang);
  await context.addCookies([{ name: 'boomerang_session', value: finance, url: base }]);
  const c = encodeURIComponent(company);

  await page.goto(`${base}/finance/withholding?company=${c}`);
  let main = await page.textContent('main');
  check((await page.textContent('h1')).includes(t.withholding), `${lang}: the withholding report's title`);
  // ¥200,000 of design fees: ¥20,420 withheld (10.21 %).
  check(main.includes('¥20,420'), `${lang}: the withholding and its total`);
  check(main.includes(t.due), `${lang}: the due date`);
  await audit(page, lang, 'reports-01-withholding');

  await page.goto(`${base}/finance/payment-records?company=${c}`);
  main = await page.textContent('main');
  check((await page.textContent('h1')).includes(t.records), `${lang}: the payment records' title`);
  check(main.includes('山田 花子') && main.includes('¥200,000'), `${lang}: the payee is listed with the fees`);
  check(main.includes(t.myNumber), `${lang}: the page says Boomerang never asks for My Number`);
  await audit(page, lang, 'reports-02-payment-records');

  await page.goto(`${base}/finance/exports?company=${c}`);
  check((await page.textContent('h1')).includes(t.exports), `${lang}: the exports' title`);
  await audit(page, lang, 'reports-03-exports');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/finance/exports/withholding.csv"]')]);
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(await download.path());
  check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, `${lang}: the CSV starts with the BOM`);
  const csvText = bytes.toString('utf8');
  check(csvText.includes(t.csvHeader) && csvText.includes('\r\n') && csvText.includes('20420'), `${lang}: the CSV's headers and row`);

  // The reject form offers the reason codes; rejecting counts in the compliance report.
  await page.goto(`${base}/invoices/${encodeURIComponent(open)}`);
  check((await page.textContent('main')).includes(t.code), `${lang}: the reject form's reason codes`);
  await audit(page, lang, 'reports-04-reject-form');
  await page.selectOption('select[name=reasonCode]', 'BILLING_ERROR');
  await page.fill('textarea[name=reason]', lang === 'ja' ? '金額に誤りがあります。' : 'The amount is wrong.');
  await Promise.all([page.waitForURL(/done=rejected/), page.click('form[action$="/reject"] button[type=submit]')]);
  await context.close();

  const admins = await newPage(browser, lang);
  await admins.context.addCookies([{ name: 'boomerang_session', value: admin, url: base }]);
  await admins.page.goto(`${base}/finance/compliance?company=${c}`);
  main = await admins.page.textContent('main');
  check((await admins.page.textContent('h1')).includes(t.compliance), `${lang}: the compliance report's title`);
  check(main.includes(t.code), `${lang}: the rejection is counted by its reason`);
  await audit(admins.page, lang, 'reports-05-compliance');
  await admins.page.goto(`${base}/contracts/${encodeURIComponent(contract)}`);
  check((await admins.page.textContent('main')).includes(t.notice), `${lang}: the end form explains the 30 days' notice`);
  await audit(admins.page, lang, 'reports-06-contract-notice');
  await admins.context.close();
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
