// The events pages in Japanese and English (issue 13 §6): staff create an event on
// /companies/{id}/events (a capacity of 0 first, refused with the input kept) and invite a
// consenting alumna to speak at a seminar held yesterday; she reserves a seat at the upcoming
// event on /events, accepts the invitation and invoices the honorarium as a lecture fee
// (10.21 % withheld, shown); finance approves and records the payment on the invoice page.
// axe-core and a screenshot on every page.
// Prints `N passed, N failed` last; exits 1 when anything failed.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';

const TEXT = {
  ja: {
    create: 'イベントを作成する', created: 'イベントを作成しました', seats: '0 名 / 定員 40 名',
    invite: '登壇を依頼する', invited: '登壇を依頼しました', rsvp: '参加を申し込む', attending: '参加予定',
    accept: 'お引き受けする', accepted: '登壇をお引き受けいただきました', invoice: '講演料を請求する',
    withholding: '源泉徴収税額', approve: '請求書を承認する', record: '振込を記録する', paid: '支払済み',
  },
  en: {
    create: 'Create the event', created: 'The event was created', seats: '0 of 40 seats taken',
    invite: 'Send the invitation', invited: 'The speaker was invited', rsvp: 'Reserve a seat', attending: 'You are attending',
    accept: 'Accept', accepted: 'You accepted the invitation', invoice: 'Invoice the honorarium',
    withholding: 'Withholding tax', approve: 'Approve invoice', record: 'Record bank payment', paid: 'Paid',
  },
};

async function signUp(email, displayName) {
  const data = await gql(null, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
    i: { email, password, displayName },
  });
  return data.signUp;
}

/// A company with finance, an alumna who consented to its events, a seminar held yesterday.
async function seed(lang) {
  const tag = `ev${lang}${Date.now()}`;
  const admin = (await signUp(`${tag}-admin@example.jp`, lang === 'ja' ? '佐藤 管理' : 'Admin Sato')).token;
  const company = (await gql(admin, 'mutation($n: String!) { createCompany(input: { name: $n }) { id } }', {
    n: lang === 'ja' ? `あおば監査法人 ${tag}` : `Aoba Audit ${tag}`,
  })).createCompany.id;
  const finance = (await signUp(`${tag}-finance@example.jp`, lang === 'ja' ? '高橋 経理' : 'Takahashi Finance')).token;
  await gql(admin, 'mutation($i: AddCompanyMemberInput!) { addCompanyMember(input: $i) { id } }', {
    i: { companyId: company, email: `${tag}-finance@example.jp`, role: 'FINANCE' },
  });
  const alumnaEmail = `${tag}-alumna@example.jp`;
  await gql(admin, 'mutation($i: AddAlumniInput!) { addAlumni(input: $i) { id } }', {
    i: { companyId: company, emails: [alumnaEmail] },
  });
  const alumna = await signUp(alumnaEmail, lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
  await gql(alumna.token, 'mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: EVENTS }) { id } }', { c: company });
  const start = new Date(Date.now() - 26 * 3600 * 1000);
  const end = new Date(start.getTime() + 2 * 3600 * 1000);
  const past = (await gql(admin, 'mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }', {
    i: {
      companyId: company, title: lang === 'ja' ? '昨日の新卒採用説明会' : "Yesterday's recruiting seminar",
      kind: 'RECRUITING_SEMINAR', startsAt: start.toISOString(), endsAt: end.toISOString(),
      place: lang === 'ja' ? '本社 20階' : 'Head office, 20F', online: false, capacity: 100,
    },
  })).createEvent.id;
  return { admin, finance, company, alumna, past };
}

const browser = await launch();

async function run(lang) {
  const t = TEXT[lang];
  const { admin, finance, company, alumna, past } = await seed(lang);

  // Staff create an event: a capacity of 0 first.
  const staff = await newPage(browser, lang);
  await staff.context.addCookies([{ name: 'boomerang_session', value: admin, url: base }]);
  const s = staff.page;
  const path = `${base}/companies/${encodeURIComponent(company)}/events`;
  await s.goto(path);
  await audit(s, lang, 'events-01-company');
  const title = lang === 'ja' ? 'アルムナイ交流会 2027' : 'Alumni meetup 2027';
  await s.fill('input[name=title]', title);
  await s.selectOption('select[name=kind]', 'ALUMNI_MEETUP');
  await s.fill('input[name=starts_at]', '2099-03-01T18:00');
  await s.fill('input[name=ends_at]', '2099-03-01T20:00');
  await s.fill('input[name=place]', lang === 'ja' ? '大手町 会議室A' : 'Otemachi, room A');
  await s.fill('input[name=capacity]', '0');
  await s.evaluate(() => document.querySelector('input[name=capacity]').removeAttribute('min'));
  await s.click(`button:has-text("${t.create}")`);
  await s.waitForSelector('[role=alert]');
  check(await s.inputValue('input[name=title]') === title, `${lang}: the refused event's title is kept`);
  await audit(s, lang, 'events-02-refused');
  await s.fill('input[name=capacity]', '40');
  await Promise.all([s.waitForURL(/done=created/), s.click(`button:has-text("${t.create}")`)]);
  const listed = await s.textContent('main');
  check(listed.includes(t.created) && listed.includes(t.seats), `${lang}: created, with its attendee count`);

  // She is invited to speak at yesterday's seminar.
  const form = s.locator(`form:has(input[name=event_id][value="${past}"])`);
  await form.locator('input[name=topic]').fill(lang === 'ja' ? '監査法人でのキャリア' : 'A career in audit');
  await form.locator('input[name=amount]').fill('100000');
  await Promise.all([s.waitForURL(/done=invited/), form.locator('button').click()]);
  check((await s.textContent('main')).includes(t.invited), `${lang}: invited`);
  await audit(s, lang, 'events-03-invited');
  await staff.context.close();

  // She reserves a seat, accepts, and invoices the honorarium.
  const her = await newPage(browser, lang);
  await her.context.addCookies([{ name: 'boomerang_session', value: alumna.token, url: base }]);
  const p = her.page;
  await p.goto(`${base}/events`);
  await audit(p, lang, 'events-04-mine');
  await Promise.all([p.waitForURL(/done=rsvp/), p.click(`button:has-text("${t.rsvp}")`)]);
  check((await p.textContent('main')).includes(t.attending), `${lang}: attending`);
  await Promise.all([p.waitForURL(/done=accepted/), p.click(`button:has-text("${t.accept}")`)]);
  check((await p.textContent('main')).includes(t.accepted), `${lang}: accepted`);
  await audit(p, lang, 'events-05-accepted');
  await Promise.all([p.waitForURL(/done=invoiced/), p.click(`button:has-text("${t.invoice}")`)]);
  const main = await p.textContent('main');
  check(main.includes(t.withholding) && main.includes('¥10,210') && main.includes('¥89,790'),
    `${lang}: the lecture fee's withholding shown to her`);
  await audit(p, lang, 'events-06-invoiced');
  const invoiceHref = await p.getAttribute('a[href^="/invoices/"]', 'href');
  await her.context.close();

  // Finance approves and pays it like any invoice.
  const clerk = await newPage(browser, lang);
  await clerk.context.addCookies([{ name: 'boomerang_session', value: finance, url: base }]);
  const f = clerk.page;
  await f.goto(`${base}${invoiceHref}`);
  const text = await f.textContent('main');
  check(text.includes('¥10,210') && text.includes('¥89,790'), `${lang}: finance sees the withholding`);
  await Promise.all([f.waitForURL(/done=approved/), f.click(`button:has-text("${t.approve}")`)]);
  await f.fill('input[name=reference]', 'MUFG-20261126-9');
  await Promise.all([f.waitForURL(/done=paid/), f.click(`button:has-text("${t.record}")`)]);
  const paid = await f.textContent('main');
  check(paid.includes(t.paid) && paid.includes('MUFG-20261126-9'), `${lang}: the lecture fee is paid`);
  await audit(f, lang, 'events-07-paid');
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
