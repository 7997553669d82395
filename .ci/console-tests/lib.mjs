// What every browser script of the console suite shares: the checks and their tally, chromium
// with every request off 127.0.0.1 refused and recorded, axe-core + the 375 px check + a
// screenshot per page, the mailed links from the server's log, and the API for seeding.
//
// URL (the server), SERVER_LOG (its log file), SCREENSHOTS (a directory) from the environment.
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const base = process.env.URL ?? 'http://127.0.0.1:8080';
const serverLog = process.env.SERVER_LOG;
const shots = process.env.SCREENSHOTS ?? 'target/console-screenshots';
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
export function check(ok, what) {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL ${what}`);
  }
}

const offsite = [];
const pageErrors = [];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
}

// A 375 px wide context in `lang` whose requests may not leave 127.0.0.1, and a page in it
// whose CSP violations and script errors are recorded.
export async function newPage(browser, lang) {
  const context = await browser.newContext({
    locale: lang === 'ja' ? 'ja-JP' : 'en-US',
    viewport: { width: 375, height: 812 },
  });
  await context.route('**', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1') return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (/Content.Security.Policy|Refused to/i.test(msg.text())) pageErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(`page error: ${err.message}`));
  return { context, page };
}

// axe-core (serious or critical violations fail), the page fits 375 px, a screenshot named
// `${lang}-${name}.png`.
export async function audit(page, lang, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  for (const v of bad) {
    console.log(`  axe ${lang}/${name}: ${v.id} (${v.impact}): ${v.help}`);
  }
  check(bad.length === 0, `axe on ${lang}/${name}: ${bad.map((v) => v.id).join(', ')}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 375, `${lang}/${name} fits 375 px (scrollWidth ${width})`);
  await page.screenshot({ path: `${shots}/${lang}-${name}.png`, fullPage: true });
}

// The server's log lines that mention a mail to `email` with a link to `path` (colour codes
// removed).
function mailLines(email, path) {
  return readFileSync(serverLog, 'utf8')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => l.includes(`to=${email}`) && l.includes(`link=`) && l.includes(path));
}

// The newest link to `path` mailed to `email` once more than `after` were mailed (waits up
// to 15 s).
export async function mailedLink(email, path, after = 0) {
  for (let i = 0; i < 150; i += 1) {
    const lines = mailLines(email, path);
    if (lines.length > after) {
      const match = lines[lines.length - 1].match(/link=(\S+)/);
      if (match) return match[1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail with ${path} to ${email} in ${serverLog}`);
}

export function countLinks(email, path) {
  return mailLines(email, path).length;
}

// Runs a GraphQL document against the server (for seeding what a script does not test);
// throws on errors.
export async function gql(token, query, variables = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// The password every seeded account uses.
export const password = 'correct horse battery staple';

// Signs up an account through the API (for seeding) and returns its session token.
export async function signUp(email, displayName) {
  const data = await gql(null, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
    i: { email, password, displayName },
  });
  return data.signUp.token;
}

// Prints the tally (with offsite requests and page errors checked) and exits with it.
export function finish() {
  check(offsite.length === 0, `requests left 127.0.0.1: ${offsite.join(', ')}`);
  check(pageErrors.length === 0, `CSP violations or page errors: ${pageErrors.join(' | ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
