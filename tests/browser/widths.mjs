// The widths every reader page is drawn at (four phones and a laptop), and the measure of
// whether a page scrolls sideways there; shared by check.mjs, newsroom.mjs and
// newsletter.mjs, each checking the pages only it can reach.

/** Phone widths, then a laptop's. */
export const WIDTHS = [320, 360, 390, 414, 1366];

/** A browser context drawn `width` px wide: a touch phone with a 2× screen below 1000 px,
 *  a desktop above. */
export function widthContext(browser, width, options = {}) {
  const desktop = width > 1000;
  return browser.newContext({
    bypassCSP: true, viewport: { width, height: 800 }, isMobile: !desktop, hasTouch: !desktop,
    deviceScaleFactor: desktop ? 1 : 2, ...options,
  });
}

/** How far the page in `page` is wider than its window: the document's scroll width, the
 *  window's width, and the element that sticks out furthest (to say what to fix), if any.
 *  What a box that scrolls sideways holds (the sections menu) scrolls in that box, not the
 *  page; the box itself is measured like any other element. */
export function overflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const inScroller = el => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
      }
      return false;
    };
    let worst = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || getComputedStyle(el).position === 'fixed') continue;
      if (el.closest('.visually-hidden, .newsletter-trap, .skip-link, [hidden]')) continue;
      if (inScroller(el)) continue;
      const past = Math.max(r.right - vw, -r.left);
      if (past > 0.5 && (!worst || past > worst.past)) {
        worst = { past: Math.round(past), tag: el.tagName.toLowerCase(), cls: el.className || '', w: Math.round(r.width) };
      }
    }
    return { scroll: document.documentElement.scrollWidth, vw, worst };
  });
}

/** Whether `overflow`'s answer is a page that stays within its window. */
export function fits(o) {
  return o.scroll <= o.vw && !o.worst;
}
