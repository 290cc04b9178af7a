// The newsroom in a real browser (headless Debian Chromium, the site's own CSP in force):
//  1. sign in, write an Arabic interview, watch the live preview render the interview turn,
//     schedule it 20 seconds ahead in the site's time zone, and see it appear on the public
//     home page when the server's scheduler publishes it (no page visit triggers it);
//  2. switch the newsroom to English; screenshots of the editor in Arabic and English;
//  3. the breaking-news ribbon, in either language, keeps the reader's pages within the
//     window on a phone (320, 360, 390, 414 px) and a laptop (1366); out/newsroom/widths/;
//  4. every newsroom page, in both languages, validates with the Nu HTML Checker, has no
//     axe-core violations and does not scroll sideways at 390 px: the pages behind a link
//     (dashboard, lists, editor, settings…), those a form answers (the editor's preview and
//     its refusal, an invitation made, a refused invitation), the invitation and first-run
//     setup pages seen signed out (setup on a second, empty site), and the notices (an
//     article that does not exist, a dead invitation, a form without its token).
// Needs ARABPRESS_URL and an admin account in ARABPRESS_ADMIN_EMAIL / ARABPRESS_ADMIN_PASSWORD;
// ARABPRESS_BIN (default: target/debug/arabpress) serves the empty site for the setup page.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WIDTHS, widthContext, overflow, fits } from './widths.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.ARABPRESS_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
const email = process.env.ARABPRESS_ADMIN_EMAIL;
const password = process.env.ARABPRESS_ADMIN_PASSWORD;
const out = path.join(here, 'out', 'newsroom');
mkdirSync(path.join(out, 'html'), { recursive: true });
mkdirSync(path.join(out, 'widths'), { recursive: true });

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
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await context.newPage();
const cspErrors = [];
page.on('console', m => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });

// ---- sign in
await page.goto(`${base}/admin`);
check('an anonymous visit is sent to sign in', page.url().includes('/admin/login'), page.url());
await page.fill('#email', email);
await page.fill('#password', password);
await Promise.all([page.waitForURL(u => !u.toString().includes('/login')), page.click('button[type=submit].primary')]);
check('signing in opens the dashboard', new URL(page.url()).pathname === '/admin', page.url());
if (await page.evaluate(() => document.documentElement.lang) !== 'ar') {
  // A newsroom left in English by an earlier run: switch back.
  await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/account/language"] button')]);
}
const dir = await page.evaluate(() => [document.documentElement.lang, getComputedStyle(document.body).direction]);
check('the newsroom is in Arabic, right to left', dir[0] === 'ar' && dir[1] === 'rtl', dir.join(' '));
await page.screenshot({ path: path.join(out, 'ar-dashboard.png') });

// ---- write an Arabic interview with the live preview
const stamp = Date.now().toString(36);
const headline = `حوار مجدول عن مياه الأردن ${stamp}`;
await page.goto(`${base}/admin/articles/new`);
await page.fill('#headline', headline);
await page.fill('#standfirst', 'خبيرة المياه تشرح ما يعنيه اتفاق تبادل البيانات للمزارعين.');
await page.selectOption('#lang', 'ar');
await page.selectOption('#kind', 'interview');
await page.selectOption('#section', 'world');
// The byline picker lists nobody until a name is typed, then what the server finds.
const listed = await page.$$eval('#author1-names option, #author2-names option', o => o.length);
await page.fill('#author1', '');
await page.locator('#author1').pressSequentially('الخطيب', { delay: 20 });
await page.waitForFunction(() => document.querySelector('#author1-names')?.options.length > 0, null, { timeout: 5000 }).catch(() => null);
const suggested = await page.$$eval('#author1-names option', o => o.map(x => [x.value, x.label]));
check('the byline picker lists no journalist until a name is typed', listed <= 1, String(listed));
check('typing part of an Arabic name suggests that journalist', suggested.length === 1 && suggested[0][0] === 'omar-khatib' && suggested[0][1].includes('عمر الخطيب'), JSON.stringify(suggested));
await page.fill('#author1', suggested[0]?.[0] ?? 'omar-khatib');
await page.locator('#tags').pressSequentially('مياه، الأرد', { delay: 20 });
await page.waitForFunction(() => document.querySelector('#tags-names')?.getAttribute('data-for') === 'الأرد', null, { timeout: 5000 }).catch(() => null);
const tagSuggestions = await page.$$eval('#tags-names option', o => o.map(x => x.value));
check('the tag field completes its last tag from the site\'s tags', tagSuggestions.includes('مياه، الأردن') && tagSuggestions.every(v => v.startsWith('مياه، ')), JSON.stringify(tagSuggestions));
await page.fill('#tags', 'مياه، الأردن');
await page.fill('#body', '**رنا قاسم:** ما الذي يتغيّر للمزارع؟\n\n**د. سلمى العلي:** سيقرأ الأرقام نفسها التي يقرؤها المهندس.\n\n> البيانات المشتركة أول خطوة.');
await page.waitForSelector('#preview .qa-speaker', { timeout: 10000 }).catch(() => null);
const preview = await page.evaluate(() => ({
  speakers: [...document.querySelectorAll('#preview .qa-speaker b')].map(b => b.textContent),
  quote: !!document.querySelector('#preview blockquote'),
  dir: document.querySelector('#preview article')?.getAttribute('dir'),
}));
check('the live preview renders the interview turns with speaker names', preview.speakers.join('|') === 'رنا قاسم|د. سلمى العلي' && preview.quote, JSON.stringify(preview));
check('the preview of an Arabic article runs right to left', preview.dir === 'rtl', String(preview.dir));
check('no CSP violation while editing', cspErrors.length === 0, cspErrors.join(' | '));
await page.screenshot({ path: path.join(out, 'ar-editor.png'), fullPage: true });

// ---- the editor's buttons stay in reach, a draft saves itself, and leaving asks first
const saveInView = () => page.$eval('button[value=save]', b => {
  const r = b.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});
await page.evaluate(() => window.scrollTo(0, 0));
check('Save is in view at the top of the editor', await saveInView());
await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
check('Save stays in view part-way down the form', await saveInView());
await page.focus('#standfirst');
await page.type('#standfirst', ' اليوم');
await page.focus('#tags');
const autosaved = await page.waitForFunction(() => /^\/admin\/articles\/\d+$/.test(location.pathname), null, { timeout: 15000 })
  .then(() => true, () => false);
check('leaving a changed field saves the new draft by itself, and the page becomes its editor', autosaved, page.url());
const said = await page.$eval('#save-state', e => e.textContent);
check('the editor says when the draft was saved', /تلقائي/.test(said), said);
// The fields filled above may have saved the draft already; the last change follows.
const typed = await page.$eval('#standfirst', e => e.value);
let stored = '';
for (const until = Date.now() + 15000; Date.now() < until; await new Promise(r => setTimeout(r, 500))) {
  stored = await (await context.request.get(page.url())).text();
  if (stored.includes(`>${typed}</textarea>`)) { break; }
}
check('the draft saved by itself holds what was typed', typed.includes('اليوم') && stored.includes(`>${typed}</textarea>`), typed);
{
  const other = await context.newPage();
  await other.goto(page.url());
  await other.focus('#body');
  await other.keyboard.type(' نص لم يُحفظ');
  // This second editor must not save by itself (its field loses focus when the dialog
  // opens): a newer version would make the first editor's Save below a stale one.
  await other.evaluate(() => document.querySelector('form[data-autosave]')?.removeAttribute('data-autosave'));
  let asked = false;
  other.on('dialog', d => { if (d.type() === 'beforeunload') { asked = true; } d.dismiss().catch(() => {}); });
  await other.close({ runBeforeUnload: true });
  const until = Date.now() + 5000;
  while (!asked && Date.now() < until) { await new Promise(r => setTimeout(r, 100)); }
  check('closing the editor with unsaved typing asks first', asked);
  if (!other.isClosed()) { await other.close(); }
}

// ---- the formatting toolbar writes the Markdown the body hint describes
{
  const md = await context.newPage();
  await md.goto(`${base}/admin/articles/new`);
  const visible = await md.isVisible('.md-toolbar');
  check('the editor has a formatting toolbar', visible);
  await md.fill('#body', 'قال الوزير كلمة\nسطر ثان');
  const mark = async (start, end, button) => {
    await md.$eval('#body', (t, r) => { t.focus(); t.setSelectionRange(r[0], r[1]); }, [start, end]);
    await md.click(`.md-toolbar button[data-md=${button}]`);
    return md.$eval('#body', t => t.value);
  };
  let v = await mark(11, 15, 'bold');
  check('Bold wraps the selected word', v.startsWith('قال الوزير **كلمة**\n'), JSON.stringify(v));
  v = await mark(v.indexOf('سطر'), v.length, 'quote');
  check('Quote marks the selected line', v.endsWith('\n> سطر ثان'), JSON.stringify(v));
  v = await mark(0, 0, 'turn');
  check('Interview turn starts the line with a bold name and a colon', v.startsWith('**الاسم:** قال الوزير'), JSON.stringify(v));
  const selected = await md.$eval('#body', t => t.value.slice(t.selectionStart, t.selectionEnd));
  check('the name is selected, ready to be typed over', selected === 'الاسم', selected);
  await md.waitForFunction(() => document.querySelector('#preview strong, #preview .qa-speaker'), null, { timeout: 10000 }).catch(() => null);
  const shown = await md.evaluate(() => ({
    speaker: document.querySelector('#preview .qa-speaker b')?.textContent,
    quote: document.querySelector('#preview blockquote')?.textContent.trim(),
  }));
  check('the preview shows what the toolbar wrote', shown.speaker === 'الاسم' && shown.quote === 'سطر ثان', JSON.stringify(shown));
  await md.fill('#body', 'أ\nب\nج');
  v = await mark(0, 4, 'heading');
  check('Subheading marks the whole lines selected, not the line after them', v === '## أ\n## ب\nج', JSON.stringify(v));
  await md.close();
}

// ---- save the draft, then schedule it 20 seconds ahead, in the site's time zone
await Promise.all([page.waitForURL(/done=saved/), page.click('button[value=save]')]);
check('the draft is saved', (await page.$eval('.meta .status', s => s.className)).includes('status-draft'));
const zone = await page.$eval('label[for=publish_at]', l => (l.textContent.match(/([A-Za-z_]+(?:\/[A-Za-z_]+)*)\)?\s*$/) || [])[1] || 'UTC');
const at = new Date(Date.now() + 20000);
const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
}).formatToParts(at).map(p => [p.type, p.value]));
const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
await page.fill('#publish_at', local);
await Promise.all([page.waitForURL(/done=scheduled/), page.click('button[value=schedule]')]);
const status = await page.$eval('.meta .status', s => s.className);
check(`scheduled for ${local} (${zone})`, status.includes('status-scheduled'), status);
const editorUrl = page.url().split('?')[0];

const homeHas = async () => (await (await fetch(`${base}/ar/`)).text()).includes(headline);
check('not on the home page before its time', !(await homeHas()));
let live = false;
const deadline = Date.now() + 60000;
while (!live && Date.now() < deadline) {
  await new Promise(r => setTimeout(r, 2000));
  live = await homeHas();
}
check('the scheduled article appears on the public home page on time, with no visit needed', live);
const publicPage = await context.newPage();
const home = await (await fetch(`${base}/ar/`)).text();
const href = (home.match(/href="(\/ar\/article\/[^"]+)"[^>]*>حوار مجدول/) || [])[1];
if (href) {
  await publicPage.goto(base + href);
  const turn = await publicPage.evaluate(() => document.querySelector('.qa-turn .qa-speaker b')?.textContent);
  check('the public page shows the interview turn', turn === 'رنا قاسم', String(turn));
  await publicPage.screenshot({ path: path.join(out, 'ar-published.png') });
} else {
  check('the published article is linked from the home page', false);
}
await publicPage.close();

// ---- breaking news: the editor puts the article on the ribbon; every Arabic page shows it
// at once, a reader can close it for good, and the editor takes it off again
await page.goto(editorUrl);
await page.fill('#ribbon-hours', '3');
await Promise.all([page.waitForNavigation(), page.click('form[action$="/ribbon"] button')]);
const ribbonSaid = (await page.textContent('main')) || '';
check('the editor puts the article on the breaking-news ribbon, and the page says until when',
  ribbonSaid.includes('المقال في شريط الأخبار العاجلة') && ribbonSaid.includes('في الشريط حتى'), ribbonSaid.slice(0, 300));
const reader = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
const readerPage = await reader.newPage();
await readerPage.goto(`${base}/ar/section/politics`);
const ribbon = await readerPage.evaluate(() => {
  const r = document.querySelector('aside.breaking');
  const b = r && r.getBoundingClientRect();
  return r && { text: r.textContent, top: b.top, closeShown: !r.querySelector('.breaking-close').hidden };
});
check('every Arabic page shows the ribbon with the story, near the top, with a close button',
  ribbon && ribbon.text.includes(headline) && ribbon.text.includes('عاجل') && ribbon.top < 300 && ribbon.closeShown, JSON.stringify(ribbon));
await readerPage.addScriptTag({ path: path.join(here, 'node_modules', 'axe-core', 'axe.min.js') });
const ribbonAxe = await readerPage.evaluate(async () => (await window.axe.run(document)).violations.map(v => v.id));
check('a page with the ribbon: axe-core finds no violations', ribbonAxe.length === 0, ribbonAxe.join(', '));
await readerPage.screenshot({ path: path.join(out, 'ar-ribbon-phone.png') });
const englishRibbon = await (await fetch(`${base}/en/`)).text();
check('the English pages do not show an Arabic story', !englishRibbon.includes('class="breaking"'));
await readerPage.click('.breaking-close');
await readerPage.goto(`${base}/ar/`);
const stillHidden = await readerPage.$eval('aside.breaking', r => r.hidden).catch(() => null);
check('a reader who closed the ribbon does not see that story there again', stillHidden === true, String(stillHidden));
await reader.close();

// The ribbon on a phone and a laptop, with an English story on the English ribbon too: no
// page scrolls sideways, whatever the headline's length.
await page.goto(`${base}/admin/articles?status=published&lang=en`);
const enEditor = await page.$$eval('main a[href^="/admin/articles/"]', l => l.map(a => a.getAttribute('href')).find(h => /^\/admin\/articles\/\d+$/.test(h)));
await page.goto(base + enEditor);
await page.fill('#ribbon-hours', '1');
await Promise.all([page.waitForNavigation(), page.click('form[action$="/ribbon"] button')]);
const ribbonPages = [];
for (const lang of ['ar', 'en']) {
  const front = await (await fetch(`${base}/${lang}/`)).text();
  const story = (front.match(new RegExp(`href="(/${lang}/article/[^"]+)"`)) || [])[1];
  ribbonPages.push({ name: `${lang}-ribbon-home`, url: `/${lang}/` }, { name: `${lang}-ribbon-section`, url: `/${lang}/section/politics` });
  if (story) { ribbonPages.push({ name: `${lang}-ribbon-article`, url: story }); }
}
check('a page of each kind to show the ribbon on, in both languages', ribbonPages.length === 6, JSON.stringify(ribbonPages));
for (const width of WIDTHS) {
  const sized = await widthContext(browser, width);
  for (const p of ribbonPages) {
    const shown = await sized.newPage();
    await shown.goto(base + p.url, { waitUntil: 'load' });
    const on = await shown.evaluate(() => { const r = document.querySelector('aside.breaking'); return !!r && !r.hidden && r.getBoundingClientRect().height > 0; });
    const o = await overflow(shown);
    check(`${p.name} at ${width}px: the ribbon is shown, and nothing scrolls sideways`, on && fits(o), JSON.stringify({ on, ...o }));
    await shown.screenshot({ path: path.join(out, 'widths', `${p.name}-${width}.png`) });
    if (width === 1366 && /-home$/.test(p.name)) {
      await shown.addScriptTag({ path: path.join(here, 'node_modules', 'axe-core', 'axe.min.js') });
      const v = await shown.evaluate(async () => (await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }))
        .violations.map(x => `${x.id}: ${x.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`));
      check(`${p.name}: axe-core finds no violations`, v.length === 0, v.join('\n     '));
    }
    await shown.close();
  }
  await sized.close();
}
await page.goto(base + enEditor);
await Promise.all([page.waitForNavigation(), page.click('form[action$="/ribbon/remove"] button')]);
check('the English story comes off the ribbon', !(await (await fetch(`${base}/en/`)).text()).includes('class="breaking"'));

// Breaking news by mail: the send's page, for the newsroom's checks below.
await page.goto(editorUrl);
await Promise.all([page.waitForURL(/\/admin\/newsletter\/sends\/\d+/), page.click('form[action$="/breaking"] button')]);
const sendPath = new URL(page.url()).pathname;
check('sending the story as breaking news opens its send\'s page', /^\/admin\/newsletter\/sends\/\d+$/.test(sendPath), page.url());

// ---- the newsroom in English
await page.goto(editorUrl);
await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/account/language"] button')]);
const en = await page.evaluate(() => [document.documentElement.lang, getComputedStyle(document.body).direction, document.querySelector('h1').textContent]);
check('switching the newsroom to English', en[0] === 'en' && en[1] === 'ltr', en.join(' | '));
await page.waitForSelector('#preview article', { timeout: 10000 }).catch(() => null);
const articleDir = await page.evaluate(() => document.querySelector('#preview article')?.getAttribute('dir'));
check('an Arabic article keeps right to left inside the English newsroom', articleDir === 'rtl', String(articleDir));
await page.screenshot({ path: path.join(out, 'en-editor.png'), fullPage: true });

// ---- a wire feed on this machine: refused with the reason, nothing added
await page.goto(`${base}/admin/wire`);
await page.fill('#wire-url', 'http://127.0.0.1:9/feed.xml');
await page.fill('#wire-name', 'Wire Check');
await page.selectOption('#wire-lang', 'en');
await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/wire"] button[type="submit"]')]);
const wireRefused = await page.content();
check('a wire feed on a loopback address is refused with the reason',
  wireRefused.includes('private or loopback address') && (await page.$('.wire-feed')) === null,
  (await page.textContent('main')) || '');

// ---- every newsroom page, both languages: Nu HTML Checker and axe-core
const id = editorUrl.split('/').pop();
const paths = ['/admin', '/admin/articles', '/admin/articles?status=published&lang=ar', '/admin/articles/new',
  `/admin/articles/${id}`, `/admin/articles/${id}/revisions`, `/admin/articles/${id}/revisions?from=1&to=2`,
  '/admin/users', '/admin/account', '/admin/taxonomy', '/admin/webhooks', '/admin/newsletter', '/admin/newsletter/sends', sendPath,
  '/admin/wire', '/admin/settings', '/admin/audit', '/admin/audit?action=published', '/admin/jobs'].map(p => [p, 200]);
// The notice of an article that does not exist.
paths.push(['/admin/articles/999999999', 404]);
const axeSource = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const files = [];
function keep(name, html) {
  const file = path.join(out, 'html', `${name}.html`);
  writeFileSync(file, html);
  files.push(file);
}
async function axeOn(p, name) {
  await p.addScriptTag({ path: axeSource });
  const axe = await p.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
  });
  check(`${name}: axe-core finds no violations`, axe.length === 0, axe.join('\n     '));
}
/** Whether the page in `p` stays within a 390 px phone screen (a wide table scrolls
 *  inside itself); the page keeps its own width afterwards. */
async function fitsPhone(p, name) {
  const size = p.viewportSize();
  await p.setViewportSize({ width: 390, height: 844 });
  const o = await overflow(p);
  check(`${name} at 390px: no sideways scrolling`, fits(o), JSON.stringify(o));
  await p.screenshot({ path: path.join(out, 'widths', `${name}-390.png`) });
  await p.setViewportSize(size);
}
/** What a form in `p` answers, sent by script as the browser would send it: `prepare`
 *  fills it in (in the page) and returns the form and its button; the browser's own checks
 *  are skipped, so that the server's are seen. The answer's page is checked like the others. */
async function answered(p, name, status, prepare, arg) {
  const [res] = await Promise.all([p.waitForNavigation(), p.evaluate(([code, a]) => {
    const [form, button] = new Function('a', code)(a);
    form.noValidate = true;
    form.requestSubmit(button);
  }, [prepare, arg])]);
  check(`${name} answers ${status}`, res.status() === status, `${res.url()}: ${res.status()}`);
  keep(name, await res.text());
  await axeOn(p, name);
  await fitsPhone(p, name);
}
// axe is injected as an inline script, which the newsroom's CSP forbids: a second context,
// signed in with the same session, runs it with CSP bypassed.
const audit = await browser.newContext({ bypassCSP: true, storageState: await context.storageState(), viewport: { width: 1400, height: 1000 } });
const auditPage = await audit.newPage();
auditPage.on('dialog', d => d.accept().catch(() => {})); // leaving an editor with changes
// Reporters work from phones: no newsroom page scrolls sideways at 390 px (a wide table
// scrolls inside itself).
const phone = await context.newPage();
await phone.setViewportSize({ width: 390, height: 844 });
for (const lang of ['en', 'ar']) {
  if (lang === 'ar') {
    await page.goto(`${base}/admin`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/account/language"] button')]);
  }
  // Pages a form answers. An invitation made: the people page shows its link.
  await auditPage.goto(`${base}/admin/users`);
  await answered(auditPage, `${lang}-admin-users-invited`, 200, `
    const form = document.querySelector('form[action="/admin/users/invite"]');
    form.elements.email.value = a;
    return [form, form.querySelector('button[type=submit]')];`, `invitee-${lang}-${stamp}@example.org`);
  const invite = new URL(await auditPage.inputValue('#invite-link')).pathname;
  // The editor's Preview, and its refusal of an article without a headline (nothing saved).
  await auditPage.goto(editorUrl);
  await answered(auditPage, `${lang}-admin-editor-preview`, 200, `
    const form = document.getElementById('headline').form;
    return [form, form.querySelector('button[value=preview]')];`);
  check(`${lang}: Preview shows the article as readers will see it`, await auditPage.isVisible('#preview article'));
  await auditPage.goto(editorUrl);
  await answered(auditPage, `${lang}-admin-editor-refused`, 422, `
    const form = document.getElementById('headline').form;
    form.elements.headline.value = '';
    return [form, form.querySelector('button[value=save]')];`);
  // A form sent without its token: the notice that refuses it.
  await auditPage.goto(`${base}/admin`);
  await answered(auditPage, `${lang}-admin-csrf-refused`, 403, `
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/admin/sections';
    document.body.append(form);
    return [form, undefined];`);
  // The invitation as the invited person sees it, a refused acceptance (a password too
  // short: nothing is created, no one signed in), and an invitation that is no more.
  const guest = [[`${invite}?lang=${lang}`, 200, `${lang}-admin-invite`],
    [`/admin/invite/no-such-invitation?lang=${lang}`, 410, `${lang}-admin-invite-gone`]];
  await auditPage.goto(`${base}${invite}?lang=${lang}`);
  await answered(auditPage, `${lang}-admin-invite-refused`, 422, `
    const form = document.querySelector('form[action^="/admin/invite/"]');
    form.elements.name.value = 'Invitee';
    form.elements.password.value = 'short';
    return [form, form.querySelector('button[type=submit]')];`);
  for (const [p, status, named] of [...paths, ...guest]) {
    const res = await context.request.get(base + p);
    const name = named || `${lang}${p.replace(/[^a-z0-9]+/gi, '-')}`;
    check(`${name} answers ${status}`, res.status() === status, `${p}: ${res.status()}`);
    keep(name, await res.text());
    await auditPage.goto(base + p);
    await axeOn(auditPage, name);
    await phone.goto(base + p);
    const o = await overflow(phone);
    check(`${name} at 390px: no sideways scrolling`, fits(o), JSON.stringify(o));
    await phone.screenshot({ path: path.join(out, 'widths', `${name}-390.png`) });
  }
}
await phone.close();
await audit.close();

// ---- the first-run setup page, on a second site with no account yet
{
  const bin = process.env.ARABPRESS_BIN || path.join(here, '..', '..', 'target', 'debug', 'arabpress');
  const port = await new Promise(resolve => {
    const probe = createServer().listen(0, '127.0.0.1', () => { const { port: p } = probe.address(); probe.close(() => resolve(p)); });
  });
  const data = mkdtempSync(path.join(tmpdir(), 'arabpress-setup-'));
  const empty = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 100 && !up && server.exitCode === null; i++) {
    up = await fetch(`${empty}/healthz`).then(r => r.ok, () => false);
    if (!up) { await new Promise(r => setTimeout(r, 200)); }
  }
  check('a second, empty site starts for the setup page', up, `${bin} exited ${server.exitCode}`);
  if (up) {
    const guests = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    const setup = await guests.newPage();
    for (const lang of ['ar', 'en']) {
      const res = await guests.request.get(`${empty}/admin/setup?lang=${lang}`);
      check(`${lang}-admin-setup answers 200`, res.status() === 200, String(res.status()));
      keep(`${lang}-admin-setup`, await res.text());
      await setup.goto(`${empty}/admin/setup?lang=${lang}`);
      await axeOn(setup, `${lang}-admin-setup`);
      await fitsPhone(setup, `${lang}-admin-setup`);
      // Refused (a password too short): the form again with the reason; no account made.
      await answered(setup, `${lang}-admin-setup-refused`, 422, `
        const form = document.querySelector('form[action="/admin/setup"]');
        form.elements.name.value = 'Owner';
        form.elements.email.value = 'owner@example.org';
        form.elements.password.value = 'short';
        return [form, form.querySelector('button[type=submit]')];`);
    }
    await guests.close();
  }
  server.kill();
  await new Promise(r => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(data, { recursive: true, force: true });
}
// The ribbon comes off again.
await page.goto(editorUrl);
await Promise.all([page.waitForNavigation(), page.click('form[action$="/ribbon/remove"] button')]);
check('the editor takes the article off the ribbon, and the pages lose it',
  !(await (await fetch(`${base}/ar/`)).text()).includes('class="breaking"'));
// The sign-in page, seen by someone signed out.
const anon = await browser.newContext({ bypassCSP: true });
const login = await anon.request.get(`${base}/admin/login?lang=ar`);
writeFileSync(path.join(out, 'html', 'ar-login.html'), await login.text());
files.push(path.join(out, 'html', 'ar-login.html'));
const loginPage = await anon.newPage();
await loginPage.goto(`${base}/admin/login?lang=ar`);
await loginPage.addScriptTag({ path: axeSource });
const loginAxe = await loginPage.evaluate(async () => (await window.axe.run(document)).violations.map(v => v.id));
check('ar-login: axe-core finds no violations', loginAxe.length === 0, loginAxe.join(', '));
await loginPage.screenshot({ path: path.join(out, 'ar-login.png') });
await anon.close();

const vnu = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
let vnuOut = '';
let vnuOk = true;
try {
  execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'gnu', ...files], { stdio: 'pipe' });
} catch (e) {
  vnuOk = false;
  vnuOut = `${e.stdout || ''}${e.stderr || ''}`;
}
check(`Nu HTML Checker: ${files.length} newsroom pages without errors`, vnuOk, vnuOut.trim().split('\n').slice(0, 30).join('\n     '));

await browser.close();
console.log(`\nscreenshots and fetched pages in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
