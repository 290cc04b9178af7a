// The "listen to this article" player in headless Debian Chromium (playwright-core), on a
// running arabpress site (ARABPRESS_URL) whose articles have been spoken:
//  - the player loads the MP3 and reports its duration, in the page's digits;
//  - it plays and pauses from the keyboard, seeks, changes speed (1x, 1.25x, 1.5x) and closes;
//  - it is laid out right to left on Arabic pages, and axe-core finds no violations in it;
//  - without JavaScript the browser's own <audio controls> remain;
//  - screenshots of the player in Arabic and English go to out/.
// With ARABPRESS_TASHKEEL_DIR holding with-vowels.mp3 and without-vowels.mp3 (the same
// sentence spoken with and without the vowel marks put in before speech), both are played
// too and copied to out/ to be listened to.
// Prints "N passed, M failed" and exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.ARABPRESS_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
const out = path.join(here, 'out');
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`); }
}

const articles = {
  ar: '/ar/article/الخبيرة-الاقتصادية-داليا-فاروق-سعر-الخبز-مقياس-للثقة',
  en: '/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust',
};
const toLatin = s => s.replace(/[٠-٩]/g, d => String(d.charCodeAt(0) - 0x0660));
const seconds = s => toLatin(s).split(':').reduce((t, x) => t * 60 + Number(x), 0);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
// bypassCSP lets axe-core in; the site's own script comes from /assets as always.
const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
const axeSource = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');

for (const [lang, url] of Object.entries(articles)) {
  const page = await context.newPage();
  const mediaErrors = [];
  page.on('requestfailed', r => mediaErrors.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(base + encodeURI(url), { waitUntil: 'load' });
  const box = page.locator('[data-player]');
  check(`${lang}: the article has a player`, await box.count() === 1);
  if (await box.count() !== 1) { await page.close(); continue; }

  // Our controls replace the browser's; the duration comes from the file.
  await page.waitForFunction(() => document.querySelector('[data-player]').hasAttribute('data-duration'), null, { timeout: 15000 })
    .catch(() => {});
  const loaded = await page.evaluate(() => {
    const b = document.querySelector('[data-player]');
    const a = b.querySelector('audio');
    return {
      duration: a.duration,
      expected: Number(a.getAttribute('data-seconds')),
      nativeControls: a.controls,
      ours: !b.querySelector('.listen-controls').hidden,
      total: b.querySelector('[data-total]').textContent,
      elapsed: b.querySelector('[data-elapsed]').textContent,
      title: b.querySelector('.listen-title').textContent,
      dir: getComputedStyle(b).direction,
      play: b.querySelector('[data-play]').getBoundingClientRect().x,
      seek: b.querySelector('[data-seek]').getBoundingClientRect().x,
      error: a.error ? a.error.code : null,
    };
  });
  check(`${lang}: the MP3 loads and reports a duration (${loaded.duration?.toFixed?.(1)} s)`,
    loaded.error === null && loaded.duration > 5 && Math.abs(loaded.duration - loaded.expected) < 2,
    JSON.stringify({ ...loaded, mediaErrors }));
  check(`${lang}: our controls replace the browser's`, loaded.ours && !loaded.nativeControls, JSON.stringify(loaded));
  const digitsOk = lang === 'ar' ? /^[٠-٩]+:[٠-٩]{2}$/.test(loaded.total) && loaded.elapsed === '٠:٠٠'
                                 : /^\d+:\d{2}$/.test(loaded.total) && loaded.elapsed === '0:00';
  check(`${lang}: elapsed / total shown as ${loaded.elapsed} / ${loaded.total}`,
    digitsOk && Math.abs(seconds(loaded.total) - Math.floor(loaded.duration)) <= 1, JSON.stringify(loaded));
  check(`${lang}: labelled "${loaded.title}"`, loaded.title === (lang === 'ar' ? 'استمع إلى هذا المقال' : 'Listen to this article'));
  check(`${lang}: laid out ${lang === 'ar' ? 'right to left (play button at the right)' : 'left to right'}`,
    loaded.dir === (lang === 'ar' ? 'rtl' : 'ltr') && (lang === 'ar' ? loaded.play > loaded.seek : loaded.play < loaded.seek),
    JSON.stringify(loaded));

  // Play and pause from the keyboard.
  await page.focus('[data-play]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /[1-9١-٩]/.test(document.querySelector('[data-elapsed]').textContent), null, { timeout: 10000 })
    .catch(() => {});
  const playing = await page.evaluate(() => {
    const b = document.querySelector('[data-player]');
    const a = b.querySelector('audio');
    return { t: a.currentTime, paused: a.paused, state: b.getAttribute('data-state'),
             label: b.querySelector('[data-play]').getAttribute('aria-label'),
             elapsed: b.querySelector('[data-elapsed]').textContent };
  });
  check(`${lang}: Enter on the play button plays (${playing.t.toFixed(1)} s in)`,
    !playing.paused && playing.t > 1 && playing.state === 'playing' && playing.label === (lang === 'ar' ? 'إيقاف مؤقت' : 'Pause'),
    JSON.stringify(playing));
  check(`${lang}: elapsed time moves (${playing.elapsed})`, seconds(playing.elapsed) >= 1, JSON.stringify(playing));
  await page.screenshot({ path: path.join(out, `${lang}-player.png`), clip: await box.boundingBox() });
  await page.keyboard.press('Space');
  const paused = await page.evaluate(() => document.querySelector('audio').paused);
  check(`${lang}: Space pauses`, paused);

  // Seek with the bar: by dragging (input, then change) and from the keyboard (Home).
  await page.evaluate(() => {
    const s = document.querySelector('[data-seek]');
    s.value = '20';
    s.dispatchEvent(new Event('input', { bubbles: true }));
    s.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(() => !document.querySelector('audio').seeking, null, { timeout: 5000 }).catch(() => {});
  const sought = await page.evaluate(() => ({
    t: document.querySelector('audio').currentTime,
    elapsed: document.querySelector('[data-elapsed]').textContent,
  }));
  check(`${lang}: the seek bar moves playback to 0:20`, Math.abs(sought.t - 20) < 0.5 && seconds(sought.elapsed) === 20,
    JSON.stringify(sought));
  await page.focus('[data-seek]');
  await page.keyboard.press('Home');
  await page.waitForTimeout(200);
  const home = await page.evaluate(() => document.querySelector('audio').currentTime);
  check(`${lang}: Home on the seek bar goes back to the start`, home < 0.5, String(home));

  // Speed.
  for (const rate of ['1.25', '1.5', '1']) {
    await page.selectOption('[data-speed]', rate);
    const r = await page.evaluate(() => document.querySelector('audio').playbackRate);
    check(`${lang}: speed ${rate}x`, r === Number(rate), String(r));
  }
  await page.selectOption('[data-speed]', '1.5');
  await page.focus('[data-play]');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1500);
  const fast = await page.evaluate(() => ({ t: document.querySelector('audio').currentTime, rate: document.querySelector('audio').playbackRate }));
  check(`${lang}: plays at 1.5x (${fast.t.toFixed(1)} s of audio in 1.5 s)`, fast.rate === 1.5 && fast.t > 1.6, JSON.stringify(fast));

  // Accessibility of the player itself.
  await page.addScriptTag({ path: axeSource });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run('[data-player]', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
  });
  check(`${lang}: axe-core finds no violations in the player`, axe.length === 0, axe.join('\n     '));

  // Close: the player goes and the sound stops.
  await page.click('[data-close-player]');
  const closed = await page.evaluate(() => ({
    visible: !!document.querySelector('[data-player]').offsetParent,
    paused: document.querySelector('audio').paused,
  }));
  check(`${lang}: Close hides the player and stops the sound`, !closed.visible && closed.paused, JSON.stringify(closed));
  await page.close();
}

// Without our script the browser's own controls remain (progressive enhancement).
const plain = await browser.newContext({ javaScriptEnabled: false });
const p2 = await plain.newPage();
await p2.goto(base + encodeURI(articles.ar), { waitUntil: 'load' });
const noJs = await p2.evaluate(() => ({
  controls: document.querySelector('[data-player] audio')?.controls,
  oursHidden: document.querySelector('.listen-controls')?.hidden,
}));
check('without JavaScript: the browser\'s own audio controls', noJs.controls === true && noJs.oursHidden === true, JSON.stringify(noJs));
await plain.close();

// The same sentence with and without vowel marks.
const dir = process.env.ARABPRESS_TASHKEEL_DIR;
if (dir) {
  for (const name of ['with-vowels.mp3', 'without-vowels.mp3']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) { check(`${name} exists`, false, file); continue; }
    copyFileSync(file, path.join(out, name));
    const page = await context.newPage();
    const src = `data:audio/mpeg;base64,${readFileSync(file).toString('base64')}`;
    await page.setContent(`<!doctype html><title>${name}</title><audio src="${src}" preload="auto"></audio>`);
    const played = await page.evaluate(async () => {
      const a = document.querySelector('audio');
      await new Promise(r => { if (a.readyState >= 1) r(); else a.addEventListener('loadedmetadata', r); });
      await a.play();
      await new Promise(r => setTimeout(r, 800));
      return { duration: a.duration, t: a.currentTime };
    });
    check(`${name}: decodes and plays in Chromium (${played.duration.toFixed(1)} s)`, played.duration > 2 && played.t > 0.3, JSON.stringify(played));
    await page.close();
  }
}

await browser.close();
console.log(`\nplayer screenshots in ${out}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
