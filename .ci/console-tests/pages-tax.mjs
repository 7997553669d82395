// The tax pages in Japanese and English (issue 12): the alumna sets her payee profile on
// /work/payee (a bad registration number first, refused with her input kept), invoices a
// design milestone with the tax added on top from the contract page; finance opens the invoice
// as a qualified invoice (tax per rate, withholding, the amount paid), changes one line's
// withholding with a reason, approves and records the payment: the payout is the total less
// withholding. axe-core and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage, signUp } from './lib.mjs';

const TEXT = {
  ja: {
    payee: '支払先情報', save: '保存する', saved: '保存しました', corp: '法人（代表者1名のみ・従業員なし）',
    invoice: 'このマイルストーンの請求書を提出する', separately: '金額に消費税を加算する（税抜＋消費税）', withheld: '源泉徴収税額 ¥5,105',
    qualified: '請求書の記載事項（適格請求書）', notSubject: '源泉徴収の対象外にする', subject: '源泉徴収の対象にする',
    recomputed: '再計算しました', approve: '請求書を承認する', record: '振込を記録する', paid: '支払済み',
  },
  en: {
    payee: 'Payee details', save: 'Save', saved: 'Your payee details are saved', corp: 'Corporation with one officer and no employees',
    invoice: 'Invoice this milestone', separately: 'Added on top of the amount', withheld: 'Withholding tax ¥5,105',
    qualified: 'As a qualified invoice', notSubject: 'Make not subject to withholding', subject: 'Make subject to withholding',
    recomputed: 'computed again', approve: 'Approve invoice', record: 'Record bank payment', paid: 'Paid',
  },
};

/// A company with finance, an alumna with a DESIGN contract for ¥50,000, its work accepted.
async function seed(lang) {
  const tag = `tax${lang}${Date.now()}`;
  const admin = await signUp(`${tag}-admin@example.jp`, lang === 'ja' ? '佐藤 管理' : 'Admin Sato');
  const company = (await gql(admin, 'mutation($n: String!) { createCompany(input: { name: $n }) { id } }', {
    n: lang === 'ja' ? `あおば生命 ${tag}` : `Aoba Life ${tag}`,
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
      title: lang === 'ja' ? '採用パンフレットのデザイン' : 'Recruiting brochure design',
      description: 'Design a 12-page brochure for the graduate recruiting season.',
      category: 'DESIGN', skills: ['Illustrator'],
      budget: { amount: '50000', currencyCode: 'JPY' }, visibility: 'COMPANY_ALUMNI',
    },
  })).publishProject.id;
  const bid = (await gql(alumna, 'mutation($i: PlaceBidInput!) { placeBid(input: $i) { id } }', {
    i: { projectId: project, amount: { amount: '50000', currencyCode: 'JPY' }, deliveryDays: 14, proposal: 'I designed the 2022 edition.' },
  })).placeBid.id;
  const contract = (await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', { id: bid })).acceptBid.id;
  const milestones = (await gql(alumna, 'query($id: ID!) { contract(id: $id) { milestones { id } } }', { id: contract })).contract.milestones;
  for (const m of milestones) {
    await gql(alumna, 'mutation($i: SubmitDeliveryInput!) { submitDelivery(input: $i) { id } }', {
      i: { milestoneId: m.id, note: 'PDF attached.', links: ['https://drive.example.jp/brochure'] },
    });
    await gql(admin, 'mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id } }', { id: m.id });
  }
  return { alumna, finance, contract };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { alumna, finance, contract } = await seed(lang);

  // She sets her payee profile: a corporate number with a wrong check digit first.
  const her = await newPage(browser, lang);
  await her.context.addCookies([{ name: 'boomerang_session', value: alumna, url: base }]);
  const page = her.page;
  await page.goto(`${base}/work`);
  await Promise.all([page.waitForURL(/\/work\/payee$/), page.click('a[href="/work/payee"]')]);
  check((await page.textContent('h1')).includes(t.payee), `${lang}: the payee page's title`);
  await audit(page, lang, 'tax-01-payee');
  await page.check('input[value=ONE_PERSON_CORPORATION]');
  await page.fill('#registrationNumber', 'T8123456789012');
  await page.fill('#legalName', lang === 'ja' ? '株式会社はなこデザイン' : 'Hanako Design K.K.');
  await page.evaluate(() => document.querySelector('#registrationNumber').removeAttribute('pattern'));
  await page.click(`button:has-text("${t.save}")`);
  await page.waitForSelector('[role=alert]');
  check(await page.inputValue('#registrationNumber') === 'T8123456789012', `${lang}: the refused number is kept`);
  await audit(page, lang, 'tax-02-payee-refused');
  // She is an individual after all, not registered: her design fee is withheld from.
  await page.check('input[value=INDIVIDUAL]');
  await page.fill('#registrationNumber', '');
  await Promise.all([page.waitForURL(/done=saved/), page.click(`button:has-text("${t.save}")`)]);
  check((await page.textContent('main')).includes(t.saved), `${lang}: saved`);

  // She invoices the milestone with the tax added on top.
  await page.goto(`${base}/contracts/${encodeURIComponent(contract)}`);
  await page.selectOption('select[name=tax]', 'separately');
  await audit(page, lang, 'tax-03-invoice-form');
  await Promise.all([page.waitForURL(/done=invoiced/), page.click(`button:has-text("${t.invoice}")`)]);
  const main = await page.textContent('main');
  check(main.includes('¥55,000') && main.includes(t.withheld), `${lang}: total and withholding shown to her`);
  const invoiceHref = await page.getAttribute('a[href^="/invoices/"]', 'href');
  await her.context.close();

  // Finance reads it as a qualified invoice, decides one line, approves and pays.
  const clerk = await newPage(browser, lang);
  await clerk.context.addCookies([{ name: 'boomerang_session', value: finance, url: base }]);
  const f = clerk.page;
  await f.goto(`${base}${invoiceHref}`);
  const text = await f.textContent('main');
  check(text.includes(t.qualified), `${lang}: the qualified-invoice section`);
  check(text.includes('¥5,000') && text.includes('¥55,000') && text.includes('¥49,895'), `${lang}: tax, total and net shown`);
  await audit(f, lang, 'tax-04-invoice');
  await f.fill('input[name=reason]', lang === 'ja' ? '社内資料のため' : 'Internal material');
  await Promise.all([f.waitForURL(/done=withholding/), f.click(`button:has-text("${t.notSubject}")`)]);
  check((await f.textContent('main')).includes(t.recomputed), `${lang}: withholding computed again`);
  check(await f.isVisible(`button:has-text("${t.subject}")`), `${lang}: the line can be made subject again`);
  await audit(f, lang, 'tax-05-decided');
  await Promise.all([f.waitForURL(/done=approved/), f.click(`button:has-text("${t.approve}")`)]);
  await f.fill('input[name=reference]', 'SMBC-20261126-7');
  await Promise.all([f.waitForURL(/done=paid/), f.click(`button:has-text("${t.record}")`)]);
  const paid = await f.textContent('main');
  check(paid.includes(t.paid) && paid.includes('SMBC-20261126-7'), `${lang}: paid with the reference`);
  await audit(f, lang, 'tax-06-paid');
  await clerk.context.close();
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
