// Reader-side enhancements. The site works without this file: the newsletter box is a
// plain form and the pop-up stays hidden.
(function () {
  'use strict';
  var KEY = 'arabpress-newsletter';

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return 'unavailable'; }
  }
  function remember(v) {
    try { window.localStorage.setItem(KEY, v); } catch (e) { /* private mode: ask again next time */ }
  }

  // The newsletter pop-up: offered once, after the reader has read a good part of the
  // article (or a while has passed); never again once closed or used.
  function popup() {
    var box = document.getElementById('newsletter-popup');
    if (!box || remembered()) { return; }
    var opener = null;
    var shown = false;
    function close(reason) {
      box.hidden = true;
      document.removeEventListener('keydown', onKey);
      remember(reason);
      if (opener && opener.focus) { opener.focus(); }
    }
    function onKey(e) {
      if (e.key === 'Escape') { e.preventDefault(); close('closed'); return; }
      if (e.key !== 'Tab') { return; }
      // Keep focus inside the dialog while it is open.
      var f = box.querySelectorAll('button, input, summary, a[href]');
      var first = f[0], last = f[f.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
    function show() {
      if (shown || remembered()) { return; }
      shown = true;
      opener = document.activeElement;
      box.hidden = false;
      document.addEventListener('keydown', onKey);
      var email = box.querySelector('input[type=email]');
      if (email) { email.focus(); }
    }
    box.querySelector('[data-close]').addEventListener('click', function () { close('closed'); });
    box.addEventListener('click', function (e) { if (e.target === box) { close('closed'); } });
    box.querySelector('form').addEventListener('submit', function () { remember('subscribed'); });
    function onScroll() {
      var doc = document.documentElement;
      if (doc.scrollTop + window.innerHeight >= doc.scrollHeight * 0.5) {
        window.removeEventListener('scroll', onScroll);
        show();
      }
    }
    window.addEventListener('scroll', onScroll, { passive: true });
    window.setTimeout(show, 45000);
  }

  // Any newsletter form: once used, the pop-up is not offered again.
  function forms() {
    var all = document.querySelectorAll('form.newsletter-form');
    for (var i = 0; i < all.length; i++) {
      all[i].addEventListener('submit', function () { remember('subscribed'); });
    }
  }

  forms();
  popup();
}());
