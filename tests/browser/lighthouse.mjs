// Lighthouse (performance, accessibility, best practices, SEO) on the pages readers land
// on most: the Arabic home page, an Arabic article and an English article, in Debian's
// Chromium, as a phone (Lighthouse's default) and as a desktop.
//
// All four must score 1.00 on both profiles. Performance is a timing, simulated from one
// observed load, so each page gets up to three runs and the best counts; LH_EVERY_RUN=1
// prints every run's figures and does all three. On the phone profile the first paint
// sometimes waits for the font files on loopback, and Lighthouse then counts their 68 KB on
// a simulated slow 4G link before it (FCP 1.4 s instead of 0.8 s): still 1.00. Prints each
// score, the failing audits, and what the home page weighs with everything it loads.
import lighthouse from 'lighthouse';
import desktop from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.ARABPRESS_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
const out = path.join(here, 'out', 'lighthouse');
mkdirSync(out, { recursive: true });
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const pages = [
  { name: 'ar-home', url: '/ar/' },
  { name: 'ar-article', url: '/ar/article/الخبيرة-الاقتصادية-داليا-فاروق-سعر-الخبز-مقياس-للثقة' },
  { name: 'en-article', url: '/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust' },
];

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`); }
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const p of pages) {
    // Once first, so the page comes from the site's page cache, as readers mostly get it.
    await fetch(base + encodeURI(p.url));
    for (const profile of ['phone', 'desktop']) {
      let best = null;
      for (let run = 1; run <= 3; run++) {
        const r = await lighthouse(base + encodeURI(p.url), { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES },
          profile === 'desktop' ? desktop : undefined);
        if (!r || !r.lhr) throw new Error(`Lighthouse gave no result for ${p.url}`);
        const scores = Object.fromEntries(CATEGORIES.map(c => [c, r.lhr.categories[c].score]));
        const total = Object.values(scores).reduce((a, s) => a + (s ?? 0), 0);
        if (process.env.LH_EVERY_RUN) console.log(`    run ${run} ${p.name} ${profile}: perf ${scores.performance} FCP ${r.lhr.audits['first-contentful-paint'].numericValue.toFixed(0)} LCP ${r.lhr.audits['largest-contentful-paint'].numericValue.toFixed(0)}`);
        if (!best || total > best.total) best = { lhr: r.lhr, report: r.report, scores, total };
        if (!process.env.LH_EVERY_RUN && Object.values(scores).every(s => s === 1)) break;
      }
      writeFileSync(path.join(out, `${p.name}-${profile}.json`), best.report);
      const { lhr, scores } = best;
      const weight = lhr.audits['total-byte-weight'];
      console.log(`  ${p.name} (${profile}): ${CATEGORIES.map(c => `${c} ${scores[c]?.toFixed(2)}`).join(', ')}; FCP ${lhr.audits['first-contentful-paint'].displayValue}, LCP ${lhr.audits['largest-contentful-paint'].displayValue}; ${weight.displayValue}`);
      const required = CATEGORIES;
      const failing = [];
      for (const c of required) {
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) failing.push(`${c}: ${ref.id} ${a.score} ${a.displayValue ?? ''}`);
        }
      }
      check(`${p.name} (${profile}): ${required.join(', ')} score 1.00`, required.every(c => scores[c] === 1), failing.join('\n     '));
      if (p.name === 'ar-home' && profile === 'phone') {
        check(`ar-home: the page with its fonts weighs at most 150 KB (${(weight.numericValue / 1024).toFixed(1)} KB)`, weight.numericValue <= 150 * 1024);
      }
    }
  }
} finally {
  await chrome.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
