// pa11y (HTML_CodeSniffer, WCAG2AA) on pages of a running site, in Debian's chromium.
//
//   node scripts/pa11y_pages.mjs pages.json
//
// pages.json: {"chromium": "/usr/bin/chromium", "pages": [{"name", "url", "cookies"?: [{name, value}],
// "actions"?: [pa11y actions, e.g. "wait for element #space to be visible"]}]}. Cookies are set on
// the site's origin before the page opens (the session cookie is HttpOnly: the page's own fetch()
// calls send it). Prints one JSON line per page {name, url, errors: [{code, message, selector}]}
// and exits 1 if any page has an error. Used by tests/e2e/test_pa11y.py.

import { readFileSync } from 'node:fs';
import pa11y from 'pa11y';
import puppeteer from 'puppeteer';

const config = JSON.parse(readFileSync(process.argv[2], 'utf-8'));
const browser = await puppeteer.launch({
  executablePath: config.chromium || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--lang=fr-FR'],
});
let failed = false;
try {
  for (const entry of config.pages) {
    const context = await browser.createBrowserContext(); // cookies of one page only
    const page = await context.newPage();
    if (entry.cookies && entry.cookies.length) {
      const { origin } = new URL(entry.url);
      await page.setCookie(...entry.cookies.map((c) => ({ name: c.name, value: c.value, url: origin, httpOnly: true })));
    }
    const result = await pa11y(entry.url, {
      browser,
      page,
      standard: 'WCAG2AA',
      runners: ['htmlcs'],
      actions: entry.actions || [],
      timeout: 60000,
    });
    const errors = result.issues
      .filter((issue) => issue.type === 'error')
      .map(({ code, message, selector }) => ({ code, message, selector }));
    failed ||= errors.length > 0;
    console.log(JSON.stringify({ name: entry.name, url: entry.url, title: result.documentTitle, errors }));
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
