// The three roles end to end through the pages only, once in Japanese and once in English:
// an alumna and a finance clerk sign up; a staff member signs up, creates the company, adds
// the clerk as FINANCE and the alumna to the roster, and publishes a project; the alumna bids
// with two milestones; staff accept the bid; the alumna delivers the first milestone; staff
// accept the delivery; the alumna invoices it; finance approves and records the bank
// transfer; PAID is shown to finance and to the alumna. Every address is verified through the
// mailed link. Each person has their own browser context; every page is audited (axe-core,
// 375 px) and saved as `${lang}-flow-NN-name.png`.
import { audit, base, check, finish, launch, mailedLink, newPage } from './lib.mjs';

const password = 'correct horse battery staple';

const TEXT = {
  ja: {
    alumna: '佐藤 美咲',
    clerk: '鈴木 経理',
    staff: '高橋 人事',
    company: 'みなと証券株式会社',
    title: '顧客解約データの分析',
    description: '過去3年分の解約データを分析し、要因と対策をご提案ください。',
    proposal: '前職で同様の分析を担当しておりました。2段階で納品いたします。',
    m1: '分析設計',
    m2: '最終報告',
    note: '分析設計書を共有いたします。ご確認ください。',
    invoice: '分析設計（第1マイルストーン）',
  },
  en: {
    alumna: 'Misaki Sato',
    clerk: 'Kenji Suzuki',
    staff: 'Haruka Takahashi',
    company: 'Minato Securities',
    title: 'Churn data analysis',
    description: 'Analyse three years of churn data and propose what to do about it.',
    proposal: 'I ran the same analysis in my previous role. Two deliveries.',
    m1: 'Analysis design',
    m2: 'Final report',
    note: 'The analysis design is shared; please review it.',
    invoice: 'Analysis design (milestone 1)',
  },
};

const browser = await launch();
let shot = 0;

// A person: their page, and a helper that audits the current page under a running number.
async function person(lang) {
  const { context, page } = await newPage(browser, lang);
  return {
    context,
    page,
    audit: async (name) => {
      shot += 1;
      await audit(page, lang, `flow-${String(shot).padStart(2, '0')}-${name}`);
    },
  };
}

// Submits the form `form` (a locator) and waits for the navigation it causes.
async function submit(page, form) {
  await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').first().click()]);
  await page.waitForLoadState('load');
}

async function signUpAndVerify(p, name, email) {
  await p.page.goto(`${base}/signup`);
  await p.page.fill('input[name=display_name]', name);
  await p.page.fill('input[name=email]', email);
  await p.page.fill('input[name=password]', password);
  await Promise.all([p.page.waitForURL(`${base}/?welcome=1`), p.page.click('main button[type=submit]')]);
  const link = await mailedLink(email, '/verify-email?token=', 0);
  await p.page.goto(link);
  await p.audit('verify-confirm');
  await submit(p.page, p.page.locator('main form[action="/verify-email"]'));
  check((await p.page.textContent('main')).includes(email), `${email}: verified through the mailed link`);
}

async function run(lang) {
  shot = 0;
  const t = TEXT[lang];
  const stamp = `${lang}-${Date.now()}`;
  const emails = {
    alumna: `alumna-${stamp}@example.jp`,
    clerk: `finance-${stamp}@example.jp`,
    staff: `staff-${stamp}@example.jp`,
  };
  const alumna = await person(lang);
  const clerk = await person(lang);
  const staff = await person(lang);

  await signUpAndVerify(alumna, t.alumna, emails.alumna);
  await signUpAndVerify(clerk, t.clerk, emails.clerk);
  await signUpAndVerify(staff, t.staff, emails.staff);

  // Staff: the company, its finance clerk, its roster, a project.
  await staff.page.goto(`${base}/companies/new`);
  await staff.audit('company-new');
  await staff.page.fill('main input[name=name]', `${t.company} ${stamp}`);
  await submit(staff.page, staff.page.locator('main form[action="/companies/new"]'));
  const companyPath = new URL(staff.page.url()).pathname;
  check(/^\/companies\/[^/]+$/.test(companyPath), `${lang}: the company's dashboard (${companyPath})`);
  await staff.audit('dashboard-empty');

  await staff.page.goto(`${base}${companyPath}/members`);
  const addMember = staff.page.locator(`main form.stack[action="${companyPath}/members"]`);
  await addMember.locator('input[name=email]').fill(emails.clerk);
  await addMember.locator('select[name=role]').selectOption('FINANCE');
  await submit(staff.page, addMember);
  check((await staff.page.textContent('main')).includes(emails.clerk), `${lang}: the clerk is a member`);
  await staff.audit('members');

  await staff.page.goto(`${base}${companyPath}/alumni`);
  await staff.page.fill('main textarea[name=emails]', emails.alumna);
  await submit(staff.page, staff.page.locator(`main form[action="${companyPath}/alumni"]`));
  check((await staff.page.textContent('main')).includes(emails.alumna), `${lang}: the alumna is on the roster`);
  await staff.audit('roster');

  const companyId = companyPath.split('/')[2];
  await staff.page.goto(`${base}/projects/new?company=${companyId}`);
  await staff.audit('project-new');
  await staff.page.fill('main input[name=title]', t.title);
  await staff.page.fill('main textarea[name=description]', t.description);
  await staff.page.selectOption('main select[name=category]', 'DATA_ANALYSIS');
  await staff.page.fill('main input[name=skills]', 'SQL, Python');
  await staff.page.fill('main input[name=budget]', '300000');
  await staff.page.selectOption('main select[name=currency]', 'JPY');
  await staff.page.check('main input[name=visibility][value=COMPANY_ALUMNI]');
  await submit(staff.page, staff.page.locator('main form').filter({ has: staff.page.locator('input[name=title]') }));
  const projectPath = new URL(staff.page.url()).pathname;
  check(/^\/projects\/[^/]+$/.test(projectPath), `${lang}: published (${projectPath})`);
  await staff.audit('project-staff');

  // The alumna finds it and bids with two milestones.
  await alumna.page.goto(`${base}/projects`);
  await alumna.audit('browse');
  await Promise.all([alumna.page.waitForURL(`${base}${projectPath}`), alumna.page.click(`main a[href="${projectPath}"]`)]);
  await alumna.audit('project');
  await alumna.page.fill('main input[name=amount]', '280000');
  await alumna.page.fill('main input[name=delivery_days]', '30');
  await alumna.page.fill('main textarea[name=proposal]', t.proposal);
  const titles = alumna.page.locator('main input[name=milestone_title]');
  const amounts = alumna.page.locator('main input[name=milestone_amount]');
  await titles.nth(0).fill(t.m1);
  await amounts.nth(0).fill('100000');
  await titles.nth(1).fill(t.m2);
  await amounts.nth(1).fill('180000');
  await submit(alumna.page, alumna.page.locator('main form').filter({ has: alumna.page.locator('textarea[name=proposal]') }));
  check((await alumna.page.textContent('main')).includes('¥280,000'), `${lang}: her bid is shown with ¥280,000`);
  await alumna.audit('bid-placed');
  await alumna.page.goto(`${base}/bids`);
  await alumna.audit('my-bids');

  // Staff compare and accept.
  await staff.page.goto(`${base}${projectPath}/bids`);
  await staff.audit('bids');
  await submit(staff.page, staff.page.locator('main form[action$="/accept"]').first());
  const contractPath = new URL(staff.page.url()).pathname;
  check(/^\/contracts\/[^/]+$/.test(contractPath), `${lang}: accepted into a contract (${contractPath})`);
  await staff.audit('contract-staff');

  // The alumna delivers the first milestone.
  await alumna.page.goto(`${base}${contractPath}`);
  await alumna.audit('contract');
  const deliver = alumna.page.locator('main form[action$="/delivery"]').first();
  await deliver.locator('[name=note]').fill(t.note);
  await deliver.locator('[name=links]').fill('https://example.jp/design.pdf');
  await submit(alumna.page, deliver);
  await alumna.audit('delivered');

  // Staff accept the delivery.
  await staff.page.goto(`${base}${contractPath}`);
  await submit(staff.page, staff.page.locator('main form[action^="/milestones/"][action$="/accept"]').first());
  await staff.audit('delivery-accepted');

  // The alumna invoices the accepted milestone.
  await alumna.page.goto(`${base}${contractPath}`);
  const invoice = alumna.page.locator(`main form[action="${contractPath}/invoices"]`);
  await invoice.locator('[name=amount]').fill('100000');
  await invoice.locator('[name=description]').fill(t.invoice);
  await submit(alumna.page, invoice);
  await alumna.audit('invoiced');

  // Finance: the queue, the invoice, approve, record the transfer.
  await clerk.page.goto(`${base}/finance`);
  await clerk.audit('finance-queue');
  const invoiceLink = clerk.page.locator('main a[href^="/invoices/"]').first();
  const invoicePath = await invoiceLink.getAttribute('href');
  await Promise.all([clerk.page.waitForURL(`${base}${invoicePath}`), invoiceLink.click()]);
  await clerk.audit('invoice');
  // By keyboard: the first Tab reaches the skip link, which moves focus to the content; the
  // approve button is then pressed with Enter.
  await clerk.page.keyboard.press('Tab');
  check(
    await clerk.page.evaluate(() => document.activeElement?.classList.contains('skip')),
    `${lang}: the first Tab reaches the skip link`,
  );
  await clerk.page.keyboard.press('Enter');
  check(new URL(clerk.page.url()).hash === '#main', `${lang}: the skip link jumps to the content`);
  await clerk.page.locator(`main form[action="${invoicePath}/approve"] button[type=submit]`).focus();
  await Promise.all([clerk.page.waitForURL((url) => url.pathname === invoicePath && url.searchParams.has("done")), clerk.page.keyboard.press("Enter")]);
  await clerk.page.waitForLoadState('load');
  await clerk.audit('invoice-approved');
  const paid = clerk.page.locator(`main form[action="${invoicePath}/paid"]`);
  await paid.locator('[name=reference]').fill(`FURIKOMI-${stamp}`);
  await submit(clerk.page, paid);
  await clerk.audit('invoice-paid');
  const status = await clerk.page.textContent('main');
  check(status.includes('PAID') || status.includes(lang === 'ja' ? '支払済' : 'Paid'), `${lang}: PAID shown to finance`);
  await clerk.page.goto(`${base}/finance/payouts`);
  await clerk.audit('payouts');

  // The alumna sees it paid.
  await alumna.page.goto(`${base}/work`);
  const work = await alumna.page.textContent('main');
  check(work.includes(lang === 'ja' ? '支払済' : 'Paid'), `${lang}: PAID shown to the alumna`);
  await alumna.audit('work');

  for (const p of [alumna, clerk, staff]) await p.context.close();
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
