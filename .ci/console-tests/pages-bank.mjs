// Bank transfers by Zengin file in Japanese and English: seeded through the API (a company
// with its admin and finance member, an alumna with an approved invoice), then through the
// pages: she saves her bank account (a refused bank code first, the input kept, then
// full-width kana stored half-width); the admin sets the company's paying account; finance
// downloads the Zengin file from the payouts page (its size a multiple of 120 bytes + CRLF)
// and records the batch as paid. axe-core and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { readFileSync } from 'node:fs';
import { audit, base, check, finish, gql, launch, newPage, signUp } from './lib.mjs';

const TEXT = {
  ja: { own: '振込先口座', save: '保存する', saved: '口座情報を保存しました。', download: '振込ファイルをダウンロード', record: 'このファイルの振込を支払済みとして記録する', recorded: '振込を記録し', paid: '支払済み' },
  en: { own: 'Bank account for payouts', save: 'Save', saved: 'The account is saved.', download: 'Download the transfer file', record: "Record this file's transfers as paid", recorded: 'The transfer is recorded', paid: 'Paid' },
};

async function seed(lang) {
  const tag = `bank${lang}${Date.now()}`;
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
      title: lang === 'ja' ? 'ロゴデザイン' : 'Logo design',
      description: 'A new logo for the furniture line.',
      category: 'DESIGN', skills: ['Illustrator'],
      budget: { amount: '50000', currencyCode: 'JPY' }, visibility: 'COMPANY_ALUMNI',
    },
  })).publishProject.id;
  const bid = (await gql(alumna, 'mutation($i: PlaceBidInput!) { placeBid(input: $i) { id } }', {
    i: { projectId: project, amount: { amount: '50000', currencyCode: 'JPY' }, deliveryDays: 7, proposal: 'I design logos.' },
  })).placeBid.id;
  const contract = (await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', { id: bid })).acceptBid.id;
  const milestones = (await gql(alumna, 'query($id: ID!) { contract(id: $id) { milestones { id } } }', { id: contract })).contract.milestones;
  for (const m of milestones) {
    await gql(alumna, 'mutation($i: SubmitDeliveryInput!) { submitDelivery(input: $i) { id } }', {
      i: { milestoneId: m.id, note: 'Logo attached.', links: ['https://drive.example.jp/logo'] },
    });
    await gql(admin, 'mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id } }', { id: m.id });
  }
  const invoice = (await gql(alumna, 'mutation($i: SubmitInvoiceInput!) { submitInvoice(input: $i) { id } }', {
    i: { contractId: contract, milestoneId: milestones[0].id, amount: { amount: '50000', currencyCode: 'JPY' }, description: lang === 'ja' ? 'ロゴ一式' : 'Logo set' },
  })).submitInvoice.id;
  await gql(finance, 'mutation($id: ID!) { approveInvoice(id: $id) { id } }', { id: invoice });
  return { admin, finance, alumna, company };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { admin, finance, alumna, company } = await seed(lang);

  // She records her account: a bank code of 3 digits is refused, the input kept.
  {
    const { context, page } = await newPage(browser, lang);
    await context.addCookies([{ name: 'boomerang_session', value: alumna, url: base }]);
    await page.goto(`${base}/account/bank`);
    check((await page.textContent('h1')).includes(t.own), `${lang}: her bank account page`);
    await audit(page, lang, 'bank-01-own');
    await page.fill('input[name=bank_code]', '001');
    await page.fill('input[name=bank_name]', 'ミズホ');
    await page.fill('input[name=branch_code]', '001');
    await page.fill('input[name=branch_name]', 'トウキョウ');
    await page.fill('input[name=account_number]', '1234567');
    await page.fill('input[name=holder_kana]', 'ヤマダ　ハナコ');
    await Promise.all([page.waitForLoadState('load'), page.click(`button:has-text("${t.save}")`)]);
    check((await page.locator('[role=alert]').count()) === 1, `${lang}: the bad bank code is refused`);
    check((await page.inputValue('input[name=holder_kana]')) === 'ヤマダ　ハナコ', `${lang}: the input is kept`);
    check((await page.getAttribute('input[name=bank_code]', 'aria-invalid')) === 'true', `${lang}: the bad field is marked`);
    await audit(page, lang, 'bank-02-own-refused');
    await page.fill('input[name=bank_code]', '0001');
    await Promise.all([page.waitForURL(/done=saved/), page.click(`button:has-text("${t.save}")`)]);
    check((await page.textContent('main')).includes(t.saved), `${lang}: her account is saved`);
    check((await page.inputValue('input[name=holder_kana]')) === 'ﾔﾏﾀﾞ ﾊﾅｺ', `${lang}: stored in half-width kana`);
    await audit(page, lang, 'bank-03-own-saved');
    await context.close();
  }

  // The admin sets the company's paying account.
  {
    const { context, page } = await newPage(browser, lang);
    await context.addCookies([{ name: 'boomerang_session', value: admin, url: base }]);
    await page.goto(`${base}/companies/${encodeURIComponent(company)}/bank-account`);
    await audit(page, lang, 'bank-04-company');
    await page.fill('input[name=consignor_code]', '1234567890');
    await page.fill('input[name=consignor_name]', 'ミズホカグ');
    await page.fill('input[name=bank_code]', '0005');
    await page.fill('input[name=bank_name]', 'ミツビシユーエフジェイ');
    await page.fill('input[name=branch_code]', '123');
    await page.fill('input[name=branch_name]', 'マルノウチ');
    await page.fill('input[name=account_number]', '7654321');
    await Promise.all([page.waitForURL(/done=saved/), page.click(`button:has-text("${t.save}")`)]);
    check((await page.textContent('main')).includes(t.saved), `${lang}: the paying account is saved`);
    await context.close();
  }

  // Finance downloads the file and records the batch as paid.
  {
    const { context, page } = await newPage(browser, lang);
    await context.addCookies([{ name: 'boomerang_session', value: finance, url: base }]);
    await page.goto(`${base}/finance/payouts`);
    await audit(page, lang, 'bank-05-payouts');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button:has-text("${t.download}")`)]);
    const bytes = readFileSync(await download.path());
    check(bytes.length > 0 && bytes.length % 122 === 0, `${lang}: the file is whole 120-byte records with CRLF (${bytes.length} bytes)`);
    check(bytes.length === 4 * 122, `${lang}: header, one transfer, trailer, end`);
    check(bytes[0] === 0x31 && bytes[122] === 0x32 && bytes[244] === 0x38 && bytes[366] === 0x39, `${lang}: record types 1, 2, 8, 9`);
    check(/^zengin-\d{8}-\d+\.txt$/.test(download.suggestedFilename()), `${lang}: the file's name has the date`);
    await page.goto(`${base}/finance/payouts`);
    await audit(page, lang, 'bank-06-open-batch');
    await page.fill('input[name=reference]', 'MIZUHO-20261127-01');
    await Promise.all([page.waitForURL(/done=batch-paid/), page.click(`button:has-text("${t.record}")`)]);
    const main = await page.textContent('main');
    check(main.includes(t.recorded) && main.includes('MIZUHO-20261127-01') && main.includes(t.paid), `${lang}: the batch is recorded paid`);
    await audit(page, lang, 'bank-07-batch-paid');
    await context.close();
  }
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
