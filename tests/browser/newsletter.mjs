// The newsletter in a real browser (headless Debian Chromium, the site's CSP in force):
//  1. on an Arabic article the pop-up opens once the reader is halfway down, takes focus,
//     closes with Escape and with ×, and is not offered again after closing;
//  2. subscribing from the pop-up shows "check your inbox"; the confirmation mail (read
//     from the file transport's folder) holds a link that confirms the subscription;
//  3. the pop-up, the sign-up result and the preferences page validate (Nu HTML Checker)
//     and have no axe-core violations; screenshots in Arabic and English;
//  4. every page a subscriber reaches, in both languages ("check your inbox", a refused
//     address, confirmed, preferences, unsubscribe, a dead link), validates, has no axe-core
//     violations and does not scroll sideways on a phone (320, 360, 390, 414 px) or a laptop
//     (1366); a screenshot of each in out/newsletter/widths/.
// Needs ARABPRESS_URL and ARABPRESS_MAIL_DIR (the site's data folder + /mail).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WIDTHS, widthContext, overflow, fits } from './widths.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.ARABPRESS_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
const mailDir = process.env.ARABPRESS_MAIL_DIR;
const out = path.join(here, 'out', 'newsletter');
mkdirSync(path.join(out, 'html'), { recursive: true });
mkdirSync(path.join(out, 'widths'), { recursive: true });
const axeSource = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`); }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});

async function articleUrl(lang) {
  const res = await (await browser.newContext()).request.get(`${base}/${lang}/`);
  const m = (await res.text()).match(new RegExp(`href="(/${lang}/article/[^"]+)"`));
  return base + m[1];
}

/** Scrolls until the bottom of the window is at `fraction` of the page; says where it went. */
async function scrollTo(page, fraction) {
  return page.evaluate(f => {
    const doc = document.documentElement;
    const y = Math.round(doc.scrollHeight * f - window.innerHeight);
    window.scrollTo(0, Math.max(0, y));
    return { y, page: doc.scrollHeight, window: window.innerHeight };
  }, fraction);
}

/** Scrolls just past halfway down (55%) and waits for the pop-up; if the page's own
 *  sign-up box is in view there (the pop-up waits while it is), scrolls on past it. */
async function offered(page) {
  const popup = '#newsletter-popup:not([hidden])';
  await scrollTo(page, 0.55);
  if (await page.waitForSelector(popup, { timeout: 2500 }).then(() => true, () => false)) { return true; }
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  return page.waitForSelector(popup, { timeout: 5000 }).then(() => true, () => false);
}

const files = [];
// axe is injected as an inline script, which the site's CSP forbids: it runs in a second
// context with CSP bypassed, on the same address and in the same state.
const auditContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
async function audit(url, name, prepare = async () => {}) {
  const page = await auditContext.newPage();
  await page.goto(url);
  await prepare(page);
  const html = await page.content();
  const file = path.join(out, 'html', `${name}.html`);
  writeFileSync(file, html);
  files.push(file);
  await runAxe(page, name);
  await page.close();
}

async function runAxe(page, name) {
  await page.addScriptTag({ path: axeSource });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
  });
  check(`${name}: axe-core finds no violations`, axe.length === 0, axe.join('\n     '));
}

/** The pages a subscriber reaches, checked together at the end: each validates, has no
 *  axe-core violations and stays within its window at every width. `posted` is the page a
 *  form's POST answered: it is shown again at `url` without sending the form again (signing
 *  up counts against the hourly limit per client address). */
const reached = [];
async function reach(name, url, status, posted) {
  let html = posted;
  if (html === undefined) {
    const res = await fetch(url, { redirect: 'manual' });
    html = await res.text();
    check(`${name} answers ${status}`, res.status === status, `${url} gave ${res.status}`);
  }
  const file = path.join(out, 'html', `${name}.html`);
  writeFileSync(file, html);
  files.push(file);
  reached.push({ name, url, status, posted });
}

/** Opens a page `reach` noted, as a reader sees it. */
async function show(page, p) {
  if (p.posted !== undefined) {
    const href = new URL(p.url).href;
    await page.route(u => u.href === href, r => r.fulfill({ status: p.status, contentType: 'text/html; charset=utf-8', body: p.posted }));
  }
  await page.goto(p.url, { waitUntil: 'load' });
}

/** A form sent as the site's own forms send it, and the page it answered. */
async function post(url, fields) {
  const res = await fetch(url, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, html: await res.text() };
}

// ---- 1. offered once, closed with Escape and with ×
const arArticle = await articleUrl('ar');
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const csp = [];
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto(arArticle);
  check('the pop-up is hidden when the page opens', await page.isHidden('#newsletter-popup'));
  const early = await scrollTo(page, 0.4);
  await page.waitForTimeout(800);
  check('it stays hidden with the reader 40% down', early.y > 0 && await page.isHidden('#newsletter-popup'),
    JSON.stringify(early));
  const boxAt = await page.$eval('aside.newsletter', e => {
    e.scrollIntoView({ block: 'center' });
    const doc = document.documentElement;
    return (doc.scrollTop + window.innerHeight) / doc.scrollHeight;
  });
  await page.waitForTimeout(800);
  check('it waits while the page\'s own sign-up box is in view, past halfway', boxAt >= 0.5 && await page.isHidden('#newsletter-popup'),
    `box in view with the window's bottom at ${Math.round(boxAt * 100)}% of the page`);
  const inline = await page.$$eval('aside.newsletter input:not([type=hidden])', l => l.map(i => i.name));
  check('the sign-up box asks for the address alone', inline.join() === 'email,website', inline.join());
  check('the pop-up opens once the reader is past halfway and past the box', await offered(page));
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.move(640, 450);
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(400);
  const locked = await page.evaluate(y => ({ y: window.scrollY, cls: document.documentElement.className }), y0);
  check('the page behind the open pop-up does not scroll', locked.y === y0 && locked.cls.includes('popup-open'),
    JSON.stringify({ y0, ...locked }));
  const state = await page.evaluate(() => {
    const box = document.getElementById('newsletter-popup');
    const close = box.querySelector('[data-close]');
    return {
      role: box.getAttribute('role'), modal: box.getAttribute('aria-modal'),
      focus: document.activeElement?.id, closeLabel: close.getAttribute('aria-label'), closeText: close.textContent,
      dir: getComputedStyle(box).direction,
      closeSide: close.getBoundingClientRect().left < box.querySelector('.newsletter-popup-box').getBoundingClientRect().left + 80,
    };
  });
  check('it is a labelled modal dialog', state.role === 'dialog' && state.modal === 'true', JSON.stringify(state));
  check('the email field takes focus', state.focus === 'popup-email', String(state.focus));
  check('× is labelled "إغلاق" in Arabic', state.closeText === '×' && state.closeLabel === 'إغلاق', JSON.stringify(state));
  check('in Arabic, × sits on the left (the end of a right-to-left line)', state.dir === 'rtl' && state.closeSide, JSON.stringify(state));
  check('no CSP violation', csp.length === 0, csp.join(' | '));
  await page.screenshot({ path: path.join(out, 'ar-popup.png') });
  await audit(arArticle, 'ar-popup', offered);
  await page.keyboard.press('Escape');
  check('Escape closes it, and the page scrolls again', await page.isHidden('#newsletter-popup')
    && !(await page.evaluate(() => document.documentElement.classList.contains('popup-open'))));
  await page.reload();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(800);
  check('once closed, it is not offered again', await page.isHidden('#newsletter-popup'));
  await context.close();
}
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(await articleUrl('en'));
  check('the English pop-up opens too', await offered(page));
  const label = await page.getAttribute('#newsletter-popup [data-close]', 'aria-label');
  check('× is labelled "Close" in English', label === 'Close', String(label));
  await page.screenshot({ path: path.join(out, 'en-popup.png') });
  await page.click('#newsletter-popup [data-close]');
  check('× closes it', await page.isHidden('#newsletter-popup'));
  await context.close();
}

{
  // A phone: the pop-up does not open the keyboard by focusing the address field.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(arArticle);
  check('on a phone the pop-up is offered too', await offered(page));
  const focus = await page.evaluate(() => document.activeElement?.id);
  check('on a phone it focuses the dialog, not the address field', focus === 'newsletter-popup', String(focus));
  await page.screenshot({ path: path.join(out, 'ar-popup-phone.png') });
  await context.close();
}

// ---- 2. subscribe from the pop-up, confirm from the mail
const address = `popup-${Date.now().toString(36)}@example.org`;
const emls = () => (existsSync(mailDir) ? readdirSync(mailDir) : []).filter(n => n.endsWith('.eml'));
const before = new Set(emls());
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(arArticle);
  await offered(page);
  await page.fill('#popup-email', address);
  await page.check('#newsletter-popup input[name=langs][value=both]');
  await page.check('#newsletter-popup input[name=list][value=breaking]');
  const [sent] = await Promise.all([page.waitForNavigation(), page.click('#newsletter-popup button[type=submit]')]);
  await reach('ar-check-inbox-page', `${base}/ar/newsletter?sent`, 200, await sent.text());
  const h1 = await page.textContent('h1');
  check('subscribing shows "check your inbox"', h1.trim() === 'تفقّد بريدك', h1);
  check('the page names the address', (await page.textContent('main')).includes(address));
  await page.screenshot({ path: path.join(out, 'ar-check-inbox.png') });
  await audit(arArticle, 'ar-check-inbox', async p => {
    // Submitted by script: scrolling to the box would open the pop-up over it.
    await Promise.all([p.waitForNavigation(), p.$eval('aside.newsletter form', (f, a) => {
      f.querySelector('input[type=email]').value = a;
      f.requestSubmit();
    }, `audit-${address}`)]);
  });
  await page.goto(arArticle);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(800);
  check('after subscribing, the pop-up is not offered again', await page.isHidden('#newsletter-popup'));

  // The confirmation mail: the server's worker sends it at once.
  let mail = '';
  for (let i = 0; i < 100 && !mail; i++) {
    for (const f of emls().filter(n => !before.has(n))) {
      const text = readFileSync(path.join(mailDir, f), 'utf8');
      if (text.includes(`To: ${address}`)) { mail = text; }
    }
    if (!mail) { await page.waitForTimeout(200); }
  }
  check('a confirmation mail arrives', mail !== '');
  const boundary = (mail.match(/boundary="([^"]+)"/) || [])[1];
  const plain = mail.split(`--${boundary}`).find(p => p.includes('Content-Type: text/plain')) || '';
  const encoded = plain.split(/\r?\n\r?\n/).slice(1).join('').replace(/\s+/g, '');
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const link = (text.match(/https?:\/\/\S+\/newsletter\/confirm\?t=\S+/) || [])[0];
  check('it holds a confirmation link to this site', !!link && link.startsWith(base), String(link));
  if (link) {
    await page.goto(link);
    const done = (await page.textContent('h1')).trim();
    check('the link confirms the subscription', done === 'تمّ اشتراكك', done);
    await page.screenshot({ path: path.join(out, 'ar-confirmed.png') });
    // The link confirms once; following it again shows the same page, in either language.
    await reach('ar-confirmed', link, 200);
    await reach('en-confirmed', link.replace('/ar/', '/en/'), 200);
    const prefs = await page.getAttribute('main a[href*="/newsletter/preferences"]', 'href');
    await page.goto(prefs);
    const checked = await page.$$eval('input[name=list]:checked', xs => xs.map(x => x.value));
    check('the preferences page shows the lists chosen in the pop-up', checked.join(',') === 'digest,breaking', checked.join(','));
    await page.screenshot({ path: path.join(out, 'ar-preferences.png') });
    const unsubscribe = base + await page.getAttribute('form.unsubscribe', 'action');
    await page.goto(prefs.replace('/ar/', '/en/'));
    await page.screenshot({ path: path.join(out, 'en-preferences.png') });
    for (const lang of ['ar', 'en']) {
      const at = u => u.replace('/ar/', `/${lang}/`);
      await reach(`${lang}-preferences`, at(prefs), 200);
      const saved = await post(at(prefs), { langs: 'both', list: 'digest' });
      check(`${lang}: saving the preferences answers 200`, saved.status === 200, String(saved.status));
      await reach(`${lang}-preferences-saved`, `${at(prefs)}&saved`, 200, saved.html);
      await reach(`${lang}-unsubscribe`, at(unsubscribe), 200);
    }
    // Last, as it ends the subscription (a second time changes nothing).
    for (const lang of ['ar', 'en']) {
      const at = u => u.replace('/ar/', `/${lang}/`);
      const gone = await post(at(unsubscribe), {});
      check(`${lang}: unsubscribing answers 200`, gone.status === 200, String(gone.status));
      await reach(`${lang}-unsubscribed`, `${at(unsubscribe)}&done`, 200, gone.html);
    }
  }
  await context.close();
}

// ---- 4. every page a subscriber reaches, in both languages
{
  // "Check your inbox" in English, signing up from the English sign-up page.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/en/newsletter`);
  await page.fill('#signup-email', `page-${Date.now().toString(36)}@example.org`);
  const [sent] = await Promise.all([page.waitForNavigation(), page.click('main form.newsletter-form button[type=submit]')]);
  check('signing up from the English page shows "check your inbox"', (await page.textContent('h1')).trim() === 'Check your inbox',
    await page.textContent('h1'));
  await reach('en-check-inbox-page', `${base}/en/newsletter?sent`, 200, await sent.text());
  await context.close();
}
for (const lang of ['ar', 'en']) {
  // An address the site refuses (not counted against the limit: nothing was signed up).
  const refused = await post(`${base}/${lang}/newsletter`, { email: 'not an address', langs: lang, list: 'digest' });
  check(`${lang}: a malformed address is refused with 422`, refused.status === 422, String(refused.status));
  await reach(`${lang}-signup-refused`, `${base}/${lang}/newsletter?refused`, 422, refused.html);
  await reach(`${lang}-dead-link`, `${base}/${lang}/newsletter/confirm?t=no-such-link`, 404);
}
for (const p of reached) {
  const page = await auditContext.newPage();
  await show(page, p);
  await runAxe(page, p.name);
  await page.close();
}
for (const width of WIDTHS) {
  const sized = await widthContext(browser, width);
  for (const p of reached) {
    const page = await sized.newPage();
    await show(page, p);
    const o = await overflow(page);
    check(`${p.name} at ${width}px: no sideways scrolling`, fits(o), JSON.stringify(o));
    await page.screenshot({ path: path.join(out, 'widths', `${p.name}-${width}.png`) });
    await page.close();
  }
  await sized.close();
}

const vnu = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
let vnuOut = '';
let vnuOk = true;
try {
  execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'gnu', ...files], { stdio: 'pipe' });
} catch (e) {
  vnuOk = false;
  vnuOut = `${e.stdout || ''}${e.stderr || ''}`;
}
check(`Nu HTML Checker: ${files.length} newsletter pages without errors`, vnuOk, vnuOut.trim().split('\n').slice(0, 30).join('\n     '));

await browser.close();
console.log(`\nscreenshots and pages in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
