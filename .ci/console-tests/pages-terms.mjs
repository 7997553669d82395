// The statement of terms (Freelance Act art. 3), the payment terms (art. 4) and the overdue
// invoices page in a real browser, once in Japanese and once in English. Seeded through the
// API: a company, an alumna, a project with a delivery method, a bid with two milestones,
// accepted; the first milestone accepted, then the contract ended early (version 2). Then
// through the pages: the contract page's statement, the printable page (and its print view:
// no navigation), version 1, the settings refusing terms over 59 days and saving 30, the
// overdue invoices page. axe-core, the 375 px check and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage, signUp } from './lib.mjs';

const TEXT = {
  ja: {
    section: '取引条件の明示', printable: '印刷用ページを開く', superseded: 'これは以前の版です',
    refused: 'フリーランス法第4条', saved: '設定を保存しました', overdue: '支払期日を過ぎた請求書はありません',
  },
  en: {
    section: 'Statement of terms', printable: 'Open the printable page', superseded: 'This is an earlier version',
    refused: 'Freelance Act art. 4', saved: 'The settings were saved', overdue: 'No invoice is past its due date',
  },
};

async function seed(lang) {
  const tag = `terms${lang}${Date.now()}`;
  const admin = await signUp(`${tag}-admin@example.jp`, lang === 'ja' ? '佐藤 管理' : 'Admin Sato');
  const company = (await gql(admin, 'mutation($n: String!) { createCompany(input: { name: $n }) { id } }', {
    n: lang === 'ja' ? `株式会社みなとデザイン ${tag}` : `Minato Design ${tag}`,
  })).createCompany.id;
  const alumnaEmail = `${tag}-alumna@example.jp`;
  await gql(admin, 'mutation($i: AddAlumniInput!) { addAlumni(input: $i) { id } }', {
    i: { companyId: company, emails: [alumnaEmail] },
  });
  const alumna = await signUp(alumnaEmail, lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
  const project = (await gql(admin, 'mutation($i: PublishProjectInput!) { publishProject(input: $i) { id } }', {
    i: {
      companyId: company,
      title: lang === 'ja' ? '採用サイトのデザイン' : 'Recruiting site design',
      description: 'トップページと求人一覧のデザイン。2案を提出してください。',
      deliveryMethod: '業務委託事業者の共有ドライブへのアップロード',
      category: 'DESIGN', skills: ['Figma'],
      budget: { amount: '300000', currencyCode: 'JPY' }, visibility: 'COMPANY_ALUMNI',
    },
  })).publishProject.id;
  const bid = (await gql(alumna, 'mutation($i: PlaceBidInput!) { placeBid(input: $i) { id } }', {
    i: {
      projectId: project, amount: { amount: '300000', currencyCode: 'JPY' }, deliveryDays: 30,
      proposal: 'I designed the previous site.',
      milestones: [
        // Due within the month: a commission shorter than six months ends at once (art. 16).
        { title: 'ラフ案', amount: { amount: '100000', currencyCode: 'JPY' }, dueDate: new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10) },
        { title: '最終デザイン', amount: { amount: '200000', currencyCode: 'JPY' } },
      ],
    },
  })).placeBid.id;
  const contract = (await gql(admin, 'mutation($id: ID!) { acceptBid(id: $id) { id } }', { id: bid })).acceptBid.id;
  const milestones = (await gql(alumna, 'query($id: ID!) { contract(id: $id) { milestones { id } } }', { id: contract })).contract.milestones;
  await gql(alumna, 'mutation($i: SubmitDeliveryInput!) { submitDelivery(input: $i) { id } }', {
    i: { milestoneId: milestones[0].id, note: 'ラフ案です。', links: ['https://drive.example.jp/rough'] },
  });
  await gql(admin, 'mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id } }', { id: milestones[0].id });
  await gql(admin, 'mutation($i: EndContractInput!) { endContract(input: $i) { id } }', {
    i: { contractId: contract, reason: '事業計画の変更のため' },
  });
  return { admin, alumna, company, contract };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { admin, alumna, company, contract } = await seed(lang);

  // The freelancer: the contract page and the printable statement.
  const { context, page } = await newPage(browser, lang);
  await context.addCookies([{ name: 'boomerang_session', value: alumna, url: base }]);
  await page.goto(`${base}/contracts/${encodeURIComponent(contract)}`);
  const main = await page.textContent('main');
  check(main.includes(t.section), `${lang}: the contract page has the statement section`);
  await page.click('#terms + details summary');
  check(await page.isVisible('.terms-text'), `${lang}: the statement unfolds on the contract page`);
  await audit(page, lang, 'terms-01-contract');

  await Promise.all([page.waitForURL(/\/terms$/), page.click(`text=${t.printable}`)]);
  const latest = await page.textContent('.terms-text');
  check(latest.includes('業務委託の取引条件（第2版）'), `${lang}: the printable page shows version 2`);
  check(latest.includes('最終デザイン（取消）'), `${lang}: version 2 names the cancelled milestone`);
  check(latest.includes('業務委託事業者の共有ドライブへのアップロード'), `${lang}: the delivery method is stated`);
  check(latest.includes('給付を受領した日から起算して60日目まで'), `${lang}: the payment due date rule is stated`);
  await audit(page, lang, 'terms-02-printable');

  await page.emulateMedia({ media: 'print' });
  check(!(await page.isVisible('.topbar')), `${lang}: print view hides the top bar`);
  check(!(await page.isVisible('nav')), `${lang}: print view hides the navigation`);
  check(!(await page.isVisible('.no-print')), `${lang}: print view hides the page's links`);
  check(await page.isVisible('.terms-text'), `${lang}: print view shows the statement`);
  await page.screenshot({ path: `${process.env.SCREENSHOTS ?? 'target/console-screenshots'}/${lang}-terms-03-print.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  await Promise.all([page.waitForURL(/version=1/), page.click('a[href$="version=1"]')]);
  const first = await page.textContent('main');
  check(first.includes('業務委託の取引条件（第1版）') && !first.includes('（取消）'), `${lang}: version 1 as issued`);
  check(first.includes(t.superseded), `${lang}: version 1 says it is superseded`);
  await audit(page, lang, 'terms-04-version-1');
  await context.close();

  // The company's ADMIN: payment terms refused over 59 days, then saved; the overdue page.
  const staff = await newPage(browser, lang);
  await staff.context.addCookies([{ name: 'boomerang_session', value: admin, url: base }]);
  const p = staff.page;
  await p.goto(`${base}/companies/${encodeURIComponent(company)}/settings`);
  await p.fill('input[name=payment_terms_days]', '60');
  await Promise.all([p.waitForLoadState('load'), p.click('form.stack button[type=submit]')]);
  const refused = await p.textContent('main');
  check(await p.isVisible('[role=alert]'), `${lang}: the refusal is shown`);
  check(refused.includes(t.refused), `${lang}: the refusal names the Freelance Act art. 4`);
  check((await p.inputValue('input[name=payment_terms_days]')) === '60', `${lang}: the refused input is kept`);
  await audit(p, lang, 'terms-05-settings-refused');
  await p.fill('input[name=payment_terms_days]', '30');
  await Promise.all([p.waitForURL(/done=saved/), p.click('form.stack button[type=submit]')]);
  check((await p.textContent('main')).includes(t.saved), `${lang}: the payment terms are saved`);
  check((await p.inputValue('input[name=payment_terms_days]')) === '30', `${lang}: the saved terms are shown`);
  await audit(p, lang, 'terms-06-settings-saved');

  await p.click(`a[href$="/overdue"]`);
  await p.waitForURL(/\/overdue$/);
  check((await p.textContent('main')).includes(t.overdue), `${lang}: the overdue page says nothing is late`);
  await audit(p, lang, 'terms-07-overdue');
  await staff.context.close();
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
