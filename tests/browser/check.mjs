// Third-party checks of a running arabpress site (ARABPRESS_URL, e.g. http://127.0.0.1:8095):
//  1. every page type, in both languages, validates with the Nu HTML Checker (vnu.jar, Java);
//  2. headless Debian Chromium (playwright-core) renders Arabic pages right to left with a
//     real Arabic font, English pages left to right; screenshots go to out/;
//  3. axe-core finds no accessibility violations on any of those pages (every type, both
//     languages: errors, tag, author and older-stories pages included);
//  4. no page scrolls sideways on a phone (320, 360, 390 and 414 px wide) or a laptop (1366),
//     in either language (a screenshot of each in out/widths/; newsroom.mjs and
//     newsletter.mjs do the same for the breaking-news ribbon and the newsletter's pages),
//     and on a phone the masthead is compact, its sections menu one line that stays in view.
// Prints "N passed, M failed" and exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WIDTHS, widthContext, overflow, fits } from './widths.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.ARABPRESS_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
const out = path.join(here, 'out');
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'html'), { recursive: true });
mkdirSync(path.join(out, 'widths'), { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`); }
}

async function fetchText(url) {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

function firstHref(html, pattern) {
  const m = html.match(new RegExp(`href="(${pattern}[^"]*)"`));
  return m ? m[1] : null;
}

// ---- discover one page of every type per language
const pages = [];
for (const lang of ['ar', 'en']) {
  const home = await fetchText(`${base}/${lang}/`);
  pages.push({ name: `${lang}-home`, url: `/${lang}/`, status: 200 });
  const articles = [...home.body.matchAll(new RegExp(`href="(/${lang}/article/[^"]+)"`, 'g'))].map(m => m[1]);
  const interview = lang === 'ar' ? '/ar/article/الخبيرة-الاقتصادية-داليا-فاروق-سعر-الخبز-مقياس-للثقة'
                                  : '/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust';
  pages.push({ name: `${lang}-article`, url: interview, status: 200 });
  if (articles[0]) pages.push({ name: `${lang}-article-lead`, url: articles[0], status: 200 });
  const art = await fetchText(base + encodeURI(interview));
  const tag = firstHref(art.body, `/${lang}/tag/`);
  const author = firstHref(art.body, `/${lang}/author/`);
  pages.push({ name: `${lang}-section`, url: `/${lang}/section/economy`, status: 200 });
  // A page by story (here before one published in 2100: every story), as deep pages are drawn.
  pages.push({ name: `${lang}-section-older`, url: `/${lang}/section/economy?before=4102444800.1`, status: 200 });
  if (tag) pages.push({ name: `${lang}-tag`, url: tag, status: 200 });
  if (author) pages.push({ name: `${lang}-author`, url: author, status: 200 });
  pages.push({ name: `${lang}-404`, url: `/${lang}/article/no-such-article`, status: 404 });
  pages.push({ name: `${lang}-400`, url: `/${lang}/section/economy?page=zero`, status: 400 });
  pages.push({ name: `${lang}-newsletter`, url: `/${lang}/newsletter`, status: 200 });
  pages.push({ name: `${lang}-search`, url: `/${lang}/search?q=${lang === 'ar' ? 'الطاقة الشمسية' : 'solar power'}`, status: 200 });
  pages.push({ name: `${lang}-search-none`, url: `/${lang}/search?q=${lang === 'ar' ? 'الطاقةة' : 'morrocco'}`, status: 200 });
  for (const info of ['about', 'contact', 'corrections']) {
    pages.push({ name: `${lang}-${info}`, url: `/${lang}/${info}`, status: 200 });
  }
}
check('every page type was found', pages.length === 30, `${pages.length} pages`);

// ---- fetch and validate with the Nu HTML Checker
const files = [];
for (const p of pages) {
  const r = await fetchText(base + encodeURI(p.url));
  check(`${p.name} answers ${p.status}`, r.status === p.status, `${p.url} gave ${r.status}`);
  const file = path.join(out, 'html', `${p.name}.html`);
  writeFileSync(file, r.body);
  files.push(file);
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
check(`Nu HTML Checker: ${files.length} pages without errors`, vnuOk, vnuOut.trim().split('\n').slice(0, 30).join('\n     '));

// ---- browser: direction, fonts, accessibility, screenshots
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
const axeSource = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');

async function usedFonts(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map(f => f.familyName);
}

for (const p of pages) {
  const lang = p.name.slice(0, 2);
  const page = await context.newPage();
  const beacons = [];
  page.on('request', r => { if (r.url().endsWith('/reads')) beacons.push(r); });
  await page.goto(base + encodeURI(p.url), { waitUntil: 'load' });
  if (/-article$/.test(p.name)) {
    // One reading, one beacon: the article's id and the referrer, no cookie.
    await page.waitForTimeout(300);
    const b = beacons[0];
    const answer = b && await b.response();
    check(`${p.name}: the page sends one reading beacon, answered 204, without a cookie`,
      beacons.length === 1 && answer && answer.status() === 204 && /^a=\d+&r=/.test(b.postData() || '') && !(await b.allHeaders()).cookie,
      `${beacons.length} beacons ${b ? b.postData() : ''}`);
  }
  const layout = await page.evaluate(() => {
    const h1 = document.querySelector('h1:not(.visually-hidden)') || document.querySelector('.card-headline');
    const main = document.querySelector('main').getBoundingClientRect();
    const r = h1.getBoundingClientRect();
    const nav = [...document.querySelectorAll('nav.sections > ul > li')].map(li => li.getBoundingClientRect().x);
    return {
      lang: document.documentElement.lang,
      dir: getComputedStyle(document.body).direction,
      align: getComputedStyle(h1).textAlign,
      startGap: { left: r.left - main.left, right: main.right - r.right },
      navRtl: nav.length > 1 && nav[0] > nav[nav.length - 1],
    };
  });
  const expectDir = lang === 'ar' ? 'rtl' : 'ltr';
  check(`${p.name}: <html lang=${lang}> and direction ${expectDir}`, layout.lang === lang && layout.dir === expectDir, JSON.stringify(layout));
  check(`${p.name}: navigation runs ${expectDir}`, layout.navRtl === (lang === 'ar'), JSON.stringify(layout));
  if (p.name.endsWith('-article')) {
    // The headline starts at the start edge: the right in Arabic, the left in English.
    const gapAtStart = lang === 'ar' ? layout.startGap.right : layout.startGap.left;
    check(`${p.name}: headline hugs the ${lang === 'ar' ? 'right' : 'left'} edge`, gapAtStart < 320, JSON.stringify(layout.startGap));
    const fonts = await usedFonts(page, 'h1');
    const arabicFont = fonts.some(f => /Arabic|Naskh|Kufi|Amiri|Kacst|Scheherazade/i.test(f));
    if (lang === 'ar') check(`${p.name}: Arabic headline rendered with an Arabic font`, arabicFont, `fonts: ${fonts.join(', ')}`);
    const bodyFonts = await usedFonts(page, '.story-body p');
    if (lang === 'ar') check(`${p.name}: Arabic body text rendered with an Arabic font`, bodyFonts.some(f => /Arabic|Naskh/i.test(f)), `fonts: ${bodyFonts.join(', ')}`);
    // The house font, served by the site, draws the headline and the body in both
    // languages, Latin words and digits inside Arabic included: no system fallback.
    for (const sel of ['h1', '.story-body p', '.standfirst']) {
      const used = await usedFonts(page, sel);
      check(`${p.name}: ${sel} drawn in the house font only`, used.length > 0 && used.every(f => f === 'IBM Plex Sans Arabic'), `fonts: ${used.join(', ')}`);
    }
  }
  if (p.name.endsWith('-search')) {
    const hit = await page.evaluate(() => {
      const snippet = document.querySelector('.search-snippet');
      const mark = document.querySelector('.search-snippet mark, .search-hit mark');
      return {
        hits: document.querySelectorAll('.search-hit').length,
        dir: snippet ? getComputedStyle(snippet).direction : null,
        mark: mark ? mark.textContent : null,
      };
    });
    check(`${p.name}: results with highlighted words, running ${expectDir}`, hit.hits > 0 && hit.mark && hit.dir === expectDir, JSON.stringify(hit));
  }
  if (p.name.endsWith('-home')) {
    // What a reader downloads for the front page, fonts included (compressed sizes as
    // sent).
    await page.evaluate(() => document.fonts.ready);
    const weight = await page.evaluate(() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
      .map(e => ({ name: e.name.split('/').pop(), size: e.transferSize || e.encodedBodySize || 0 })));
    const total = weight.reduce((a, e) => a + e.size, 0);
    console.log(`  ${p.name} weighs ${(total / 1024).toFixed(1)} KB: ${weight.map(e => `${e.name || '/'} ${(e.size / 1024).toFixed(1)}`).join(', ')}`);
    check(`${p.name}: the page with its fonts, styles, script and pictures weighs at most 150 KB`, total <= 150 * 1024, `${total} bytes`);
    const times = await page.$$eval('time[data-relative]', l => l.map(t => ({ text: t.textContent, title: t.title })));
    const recent = times.find(t => (lang === 'ar' ? /^قبل /.test(t.text) : / ago$/.test(t.text)));
    check(`${p.name}: a story from the last day says how long ago, with date, time and zone on hover`,
      recent && (lang === 'ar' ? /\(غرينتش/.test(recent.title) && !/[0-9]/.test(recent.text) : /\(GMT/.test(recent.title)),
      JSON.stringify(times.slice(0, 3)));
  }
  if (p.name.endsWith('-search-none')) {
    const suggestion = await page.evaluate(() => document.querySelector('.search-empty a')?.textContent ?? null);
    check(`${p.name}: a spelling suggestion is offered`, suggestion === (lang === 'ar' ? 'الطاقة' : 'morocco'), String(suggestion));
  }
  await page.addScriptTag({ path: axeSource });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
  });
  check(`${p.name}: axe-core finds no violations`, axe.length === 0, axe.join('\n     '));
  await page.screenshot({ path: path.join(out, `${p.name}.png`), fullPage: p.name.endsWith('-article') });
  await page.close();
}
// ---- phones: no page scrolls sideways at common phone widths, in either language. The
// element that sticks out furthest is named, to say what to fix.
for (const width of WIDTHS) {
  const phone = await widthContext(browser, width);
  for (const p of pages) {
    const page = await phone.newPage();
    await page.goto(base + encodeURI(p.url), { waitUntil: 'load' });
    const o = await overflow(page);
    check(`${p.name} at ${width}px: no sideways scrolling`, fits(o), JSON.stringify(o));
    // One screenshot per page and width, to look at: out/widths/<page>-<width>.png.
    await page.screenshot({ path: path.join(out, 'widths', `${p.name}-${width}.png`) });
    if (width === 360 && /-(home|article)$/.test(p.name)) {
      await page.screenshot({ path: path.join(out, `${p.name}-phone.png`) });
    }
    if (width === 1366 && /-home$/.test(p.name)) {
      // A desktop's first screen is a front page, not one story: the lead, the stories
      // with pictures beside it and the newest, at least eight headlines whole in view.
      const seen = await page.evaluate(() => [...document.querySelectorAll('main .card-headline')]
        .filter(h => { const r = h.getBoundingClientRect(); return r.height > 0 && r.bottom <= window.innerHeight; }).length);
      check(`${p.name} on a desktop: at least eight headlines above the fold`, seen >= 8, `${seen} headlines`);
    }
    if (width === 390 && /-(home|article)$/.test(p.name)) {
      const head = await page.evaluate(() => {
        const nav = document.querySelector('nav.sections');
        const items = [...nav.querySelectorAll(':scope > ul > li')].map(li => Math.round(li.getBoundingClientRect().top));
        const before = Math.round(document.querySelector('main').getBoundingClientRect().top + window.scrollY);
        window.scrollTo(0, 1500);
        return { before, oneLine: new Set(items).size === 1, top: Math.round(nav.getBoundingClientRect().top) };
      });
      check(`${p.name} on a phone: the masthead leaves the story near the top, the sections on one line stay in view`,
        head.before <= 240 && head.oneLine && head.top === 0, JSON.stringify(head));
      // The menu opens without script from the bar that stays at the top, lists every
      // section the bar does and the pages about the site, fits the screen, and closes.
      // (Scrolling down offered the newsletter pop-up; Escape closes it.)
      if (await page.isVisible('#newsletter-popup')) await page.keyboard.press('Escape');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.click('nav.sections .menu summary');
      const menu = await page.evaluate(() => {
        const panel = document.querySelector('.menu-panel');
        const r = panel.getBoundingClientRect();
        const bar = [...document.querySelectorAll('nav.sections > ul a')].map(a => a.getAttribute('href'));
        const inMenu = [...panel.querySelectorAll('a')].map(a => a.getAttribute('href'));
        return {
          open: document.querySelector('.menu').open, shown: r.height > 0,
          fits: r.left >= 0 && r.right <= document.documentElement.clientWidth,
          sections: bar.every(h => inMenu.includes(h)), about: inMenu.some(h => /\/about$/.test(h)),
          search: !!panel.querySelector('input[type=search]'),
        };
      });
      await page.screenshot({ path: path.join(out, 'widths', `${p.name}-${width}-menu.png`) });
      await page.click('nav.sections .menu summary');
      const closed = await page.evaluate(() => !document.querySelector('.menu').open);
      check(`${p.name} on a phone: the menu opens, holds every section, search and the site's pages, and closes`,
        menu.open && menu.shown && menu.fits && menu.sections && menu.about && menu.search && closed, JSON.stringify({ ...menu, closed }));
    }
    await page.close();
  }
  await phone.close();
}
await browser.close();

console.log(`\nscreenshots and fetched pages in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
