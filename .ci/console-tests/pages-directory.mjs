// The alumni directory pages in a real browser, once in Japanese and once in English: an
// alumna fills in her profile, agrees to be listed, reads her fellow alumni, sees what the
// company holds about her and asks for deletion; a staff member searches the directory with a
// filter. axe-core, the 375 px check and a screenshot on every page.
import { audit, base, check, finish, gql, launch, newPage } from './lib.mjs';

const password = 'correct horse battery staple';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';
const CREATE = 'mutation($name: String!) { createCompany(input: { name: $name }) { id } }';
const MEMBER = 'mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id } }';
const ALUMNI = 'mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }';
const GRANT = 'mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: DIRECTORY }) { id } }';
const PROFILE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { headline } }';

const TEXT = {
  ja: { company: 'さくら監査法人', saved: 'プロフィールを保存しました', granted: '同意を記録しました', deleted: '削除のご依頼を処理しました', headline: '監査・データ分析', peer: '税務アドバイザー', dept: '監査第一部' },
  en: { company: 'Sakura Audit LLC', saved: 'Your profile was saved', granted: 'Your consent was recorded', deleted: 'Your deletion request was carried out', headline: 'Audit and data analysis', peer: 'Tax adviser', dept: 'Audit 1' },
};

const browser = await launch();

async function signUp(email, displayName) {
  return (await gql(null, SIGN_UP, { input: { email, password, displayName } })).signUp.token;
}

async function logIn(page, email) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
}

async function run(lang) {
  const t = TEXT[lang];
  const stamp = Date.now();
  const admin = `dir-admin-${lang}-${stamp}@example.jp`;
  const member = `dir-member-${lang}-${stamp}@example.jp`;
  const alumna = `dir-alumna-${lang}-${stamp}@example.jp`;
  const peer = `dir-peer-${lang}-${stamp}@example.jp`;
  const adminToken = await signUp(admin, lang === 'ja' ? '山本 健' : 'Ken Yamamoto');
  await signUp(member, lang === 'ja' ? '小林 彩' : 'Aya Kobayashi');
  const companyId = (await gql(adminToken, CREATE, { name: `${t.company} ${stamp}` })).createCompany.id;
  await gql(adminToken, MEMBER, { input: { companyId, email: member, role: 'MEMBER' } });
  await gql(adminToken, ALUMNI, { input: { companyId, entries: [
    { email: alumna, department: t.dept, leftYear: 2021 },
    { email: peer, department: t.dept, leftYear: 2019 },
  ] } });
  await signUp(alumna, lang === 'ja' ? '佐々木 恵' : 'Megumi Sasaki');
  const peerToken = await signUp(peer, lang === 'ja' ? '松本 翔' : 'Sho Matsumoto');
  await gql(peerToken, PROFILE, { input: { headline: t.peer, bio: '', skills: ['tax'], languages: [], availability: 'OPEN_TO_REHIRE', links: ['https://example.jp/sho'] } });
  await gql(peerToken, GRANT, { c: companyId });

  const { context, page } = await newPage(browser, lang);
  await logIn(page, alumna);

  // Her profile.
  await page.goto(`${base}/profile`);
  await audit(page, lang, 'directory-01-profile');
  await page.fill('input[name=headline]', t.headline);
  await page.fill('textarea[name=bio]', lang === 'ja' ? '監査法人で8年勤務しました。' : 'Eight years at the firm.');
  await page.fill('input[name=skills]', 'IFRS, SQL');
  await page.fill('input[name=languages]', lang === 'ja' ? '日本語, 英語' : 'Japanese, English');
  await page.selectOption('select[name=availability]', 'OPEN_TO_SIDE_JOBS');
  await page.fill('textarea[name=links]', 'https://example.jp/megumi');
  await Promise.all([page.waitForURL(/saved=1/), page.click('main form.stack button[type=submit]')]);
  check((await page.textContent('main')).includes(t.saved), `${lang}: the profile was saved`);
  await audit(page, lang, 'directory-02-profile-saved');

  // Her consents: the wording, then agree to the directory.
  await page.goto(`${base}/consents`);
  await audit(page, lang, 'directory-03-consents');
  const grant = page.locator('form:has(input[name=purpose][value=DIRECTORY]) button');
  await Promise.all([page.waitForURL(/done=grant/), grant.click()]);
  check((await page.textContent('main')).includes(t.granted), `${lang}: the consent was recorded`);
  await audit(page, lang, 'directory-04-consent-granted');

  // Her fellow alumni.
  await page.goto(`${base}/companies/${companyId}/peers`);
  const peers = await page.textContent('main');
  check(peers.includes(t.peer), `${lang}: she sees her consenting peer`);
  await audit(page, lang, 'directory-05-peers');

  // The staff's search.
  const staff = await newPage(browser, lang);
  await logIn(staff.page, member);
  await staff.page.goto(`${base}/companies/${companyId}/directory`);
  const all = await staff.page.textContent('main');
  check(all.includes(t.headline) && all.includes(t.peer) && all.includes(t.dept), `${lang}: the directory lists both`);
  await audit(staff.page, lang, 'directory-06-search');
  await staff.page.fill('input[name=skill]', 'ifrs');
  await Promise.all([staff.page.waitForURL(/skill=ifrs/), staff.page.click('form.filters button[type=submit]')]);
  const filtered = await staff.page.textContent('main');
  check(filtered.includes(t.headline) && !filtered.includes(t.peer), `${lang}: the skill filter narrows it`);
  await audit(staff.page, lang, 'directory-07-search-filtered');

  // What the company holds about her, and her deletion request.
  await page.goto(`${base}/consents/${companyId}`);
  await audit(page, lang, 'directory-08-held');
  await Promise.all([page.waitForLoadState('load'), page.click('main form button.danger')]);
  await page.waitForSelector('#deletion-done');
  check((await page.textContent('main')).includes(t.deleted), `${lang}: the deletion was carried out`);
  await audit(page, lang, 'directory-09-deleted');
  await staff.page.goto(`${base}/companies/${companyId}/directory`);
  check(!(await staff.page.textContent('main')).includes(t.headline), `${lang}: she left the directory`);
  await staff.context.close();
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
