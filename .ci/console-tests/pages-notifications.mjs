// The notification pages in a real browser, once in Japanese and once in English: an alumna
// whose bid was accepted and delivery accepted, and whose invoice was approved, sees the
// bell's count, her notifications, marks one and then all read, and changes how a kind
// reaches her. axe-core, the 375 px check and a screenshot on every page.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';

const TEXT = {
  ja: {
    accepted: '応募が採用されました', approved: '承認されました', marked: '件を既読にしました',
    settings: '通知設定', saved: '通知設定を保存しました', bellUnread: '未読', empty: 'お知らせはありません',
  },
  en: {
    accepted: 'was accepted', approved: 'was approved', marked: 'read.',
    settings: 'Notification settings', saved: 'were saved', bellUnread: 'unread', empty: 'No notifications',
  },
};

async function signUp(email, displayName) {
  return (await gql(null, SIGN_UP, { input: { email, password, displayName } })).signUp.token;
}

async function seed(lang) {
  const tag = `notify-${lang}-${Date.now()}`;
  const admin = await signUp(`${tag}-admin@example.jp`, lang === 'ja' ? '佐藤 管理' : 'Sato Admin');
  const company = (await gql(admin, 'mutation($name: String!) { createCompany(input: { name: $name }) { id } }', {
    name: lang === 'ja' ? 'みなと家具株式会社' : 'Minato Furniture Co., Ltd.',
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
  return { alumna, finance };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { alumna } = await seed(lang);
  const { context, page } = await newPage(browser, lang);
  await context.addCookies([{ name: 'boomerang_session', value: alumna, url: base }]);

  // The bell names the unread count and leads to the list.
  await page.goto(`${base}/`);
  const bell = page.locator('header a.bell');
  check((await bell.textContent()).includes(t.bellUnread), `${lang}: the bell names the unread count`);
  const unread = (await gql(alumna, '{ viewer { unreadNotificationCount } }')).viewer.unreadNotificationCount;
  check(unread >= 3, `${lang}: bid, delivery and invoice notified (${unread})`);
  check((await bell.locator('.count').textContent()).trim() === String(unread), `${lang}: the bell counts ${unread}`);
  await Promise.all([page.waitForURL(/\/notifications$/), bell.click()]);
  const list = await page.textContent('main');
  check(list.includes(t.accepted) && list.includes(t.approved), `${lang}: her notifications are listed`);
  await audit(page, lang, 'notifications-01-list');

  // One marked read, then all.
  await Promise.all([page.waitForURL(/marked=1/), page.locator('main table button').first().click()]);
  check((await page.textContent('main')).includes(t.marked), `${lang}: one marked read`);
  check((await page.locator('header a.bell .count').textContent()).trim() === String(unread - 1), `${lang}: one fewer unread`);
  await audit(page, lang, 'notifications-02-marked');
  await page.goto(`${base}/notifications?unread=1`);
  await audit(page, lang, 'notifications-03-unread');
  await Promise.all([page.waitForURL(/marked=\d+/), page.locator('main .actions form button').click()]);
  check(await page.locator('header a.bell .count').count() === 0, `${lang}: nothing unread`);
  await page.goto(`${base}/notifications?unread=1`);
  check((await page.textContent('main')).includes(t.empty), `${lang}: the unread list is empty`);

  // Settings: a kind by daily digest, another not by mail.
  await page.goto(`${base}/settings/notifications`);
  check((await page.textContent('h1')).includes(t.settings), `${lang}: the settings page`);
  await audit(page, lang, 'notifications-04-settings');
  await page.selectOption('select[name=INVOICE_APPROVED]', 'DAILY_DIGEST');
  await page.selectOption('select[name=NEWS_POSTED]', 'OFF');
  await Promise.all([page.waitForURL(/done=saved/), page.click('main form.stack button[type=submit]')]);
  check((await page.textContent('main')).includes(t.saved), `${lang}: the settings were saved`);
  check((await page.inputValue('select[name=INVOICE_APPROVED]')) === 'DAILY_DIGEST', `${lang}: the digest choice stays`);
  check((await page.inputValue('select[name=NEWS_POSTED]')) === 'OFF', `${lang}: the off choice stays`);
  await audit(page, lang, 'notifications-05-settings-saved');
  await context.close();
}

await run('ja');
await run('en');
await browser.close();
finish();
