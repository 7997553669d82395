// Makes the README's screenshots from a server started with `serve --demo`: the finance queue
// (あおば生命保険's finance clerk, whose queue holds the demo's invoice awaiting review) and a project page (an alumna), in Japanese, 1280 px wide.
// Not part of CI (the PNGs are committed); run after changing those pages:
//   URL=http://127.0.0.1:8080 node .ci/console-tests/docs-screenshots.mjs
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.URL ?? 'http://127.0.0.1:8080';
const out = process.env.DOCS ?? 'docs';
const password = 'boomerang-demo-2026';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});

async function signedIn(email) {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
  return page;
}

const finance = await signedIn('maeda.satoshi@aoba-life.example.jp');
await finance.goto(`${base}/finance`);
await finance.screenshot({ path: `${out}/finance-queue.png`, fullPage: true });

const alumna = await signedIn('nakamura.yui@mail.example.jp');
await alumna.goto(`${base}/projects`);
const first = alumna.locator('main a[href^="/projects/"]').first();
await Promise.all([alumna.waitForLoadState('load'), first.click()]);
await alumna.screenshot({ path: `${out}/project-page.png`, fullPage: true });

await browser.close();
console.log(`wrote ${out}/finance-queue.png and ${out}/project-page.png`);
