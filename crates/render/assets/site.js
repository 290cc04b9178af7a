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
  // article (or a while has passed), never while the page's own sign-up box is in view,
  // and never again once closed or used. On a touch screen it does not focus the address
  // field (that would open the keyboard over the page); the page behind it stays put.
  function popup() {
    var box = document.getElementById('newsletter-popup');
    if (!box || remembered()) { return; }
    var inline = document.querySelector('aside.newsletter');
    var touch = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
    var opener = null;
    var shown = false;
    var due = false;
    function inlineInView() {
      if (!inline) { return false; }
      var r = inline.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    }
    function close(reason) {
      box.hidden = true;
      document.documentElement.classList.remove('popup-open');
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
      if (e.shiftKey && (document.activeElement === first || document.activeElement === box)) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
    function show() {
      due = true;
      if (shown || remembered() || inlineInView()) { return; }
      shown = true;
      window.removeEventListener('scroll', onScroll);
      opener = document.activeElement;
      box.hidden = false;
      document.documentElement.classList.add('popup-open');
      document.addEventListener('keydown', onKey);
      var email = box.querySelector('input[type=email]');
      if (email && !touch) { email.focus(); } else { box.focus(); }
    }
    box.querySelector('[data-close]').addEventListener('click', function () { close('closed'); });
    box.addEventListener('click', function (e) { if (e.target === box) { close('closed'); } });
    box.querySelector('form').addEventListener('submit', function () { remember('subscribed'); });
    function onScroll() {
      var doc = document.documentElement;
      if (due || doc.scrollTop + window.innerHeight >= doc.scrollHeight * 0.5) { show(); }
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

  // The "listen to this article" player: the page carries a plain <audio controls>, which
  // this replaces with the site's controls (play/pause, elapsed / total, a seek bar, speed,
  // Close), labelled in the page's language, in its digits and direction.
  function player() {
    var box = document.querySelector('[data-player]');
    if (!box) { return; }
    var audio = box.querySelector('audio');
    var controls = box.querySelector('.listen-controls');
    var play = box.querySelector('[data-play]');
    var icon = box.querySelector('[data-icon]');
    var seek = box.querySelector('[data-seek]');
    var elapsed = box.querySelector('[data-elapsed]');
    var total = box.querySelector('[data-total]');
    var speed = box.querySelector('[data-speed]');
    var arabic = document.documentElement.lang === 'ar';
    var seeking = false;
    function digits(s) {
      return arabic ? s.replace(/[0-9]/g, function (d) { return String.fromCharCode(0x0660 + Number(d)); }) : s;
    }
    function clock(t) {
      t = Math.max(0, Math.floor(t || 0));
      var h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t % 60;
      var mm = h ? (m < 10 ? '0' : '') + m : String(m);
      return digits((h ? h + ':' : '') + mm + ':' + (s < 10 ? '0' : '') + s);
    }
    function duration() {
      return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : Number(audio.getAttribute('data-seconds'));
    }
    function showTotal() {
      seek.max = String(Math.max(1, Math.floor(duration())));
      total.textContent = clock(duration());
      box.setAttribute('data-duration', String(duration()));
    }
    function showTime() {
      if (!seeking) { seek.value = String(Math.floor(audio.currentTime)); }
      elapsed.textContent = clock(audio.currentTime);
      seek.setAttribute('aria-valuetext', clock(audio.currentTime) + ' / ' + clock(duration()));
    }
    function showState() {
      var playing = !audio.paused && !audio.ended;
      play.setAttribute('aria-label', play.getAttribute(playing ? 'data-label-pause' : 'data-label-play'));
      icon.textContent = playing ? '❚❚' : '▶';
      box.setAttribute('data-state', playing ? 'playing' : 'paused');
    }
    audio.controls = false;
    controls.hidden = false;
    audio.addEventListener('loadedmetadata', showTotal);
    audio.addEventListener('durationchange', showTotal);
    audio.addEventListener('timeupdate', showTime);
    audio.addEventListener('play', showState);
    audio.addEventListener('pause', showState);
    audio.addEventListener('ended', showState);
    play.addEventListener('click', function () {
      if (audio.paused || audio.ended) {
        var p = audio.play();
        if (p && p.catch) { p.catch(function () { showState(); }); }
      } else {
        audio.pause();
      }
    });
    seek.addEventListener('input', function () {
      seeking = true;
      elapsed.textContent = clock(Number(seek.value));
    });
    seek.addEventListener('change', function () {
      audio.currentTime = Number(seek.value);
      seeking = false;
      showTime();
    });
    speed.addEventListener('change', function () { audio.playbackRate = Number(speed.value); });
    box.querySelector('[data-close-player]').addEventListener('click', function () {
      audio.pause();
      box.hidden = true;
    });
    if (audio.readyState >= 1) { showTotal(); }
    showState();
  }

  // Cards published in the last day say how long ago ("قبل ساعتين", "2 hours ago"), in
  // the page's language and digits; the date, time and zone stay in the hover text and in
  // datetime. Pages are cached, so this is done here, against the reader's clock.
  function relativeTimes() {
    var all = document.querySelectorAll('time[data-relative]');
    if (!all.length || !window.Intl || !Intl.RelativeTimeFormat) { return; }
    var arabic = document.documentElement.lang === 'ar';
    // Arabic in the site's house digits (the page names them).
    var digits = document.documentElement.getAttribute('data-digits') || 'arab';
    var rtf = new Intl.RelativeTimeFormat(arabic ? 'ar-u-nu-' + digits : 'en', { numeric: 'always' });
    var dates = Array.prototype.map.call(all, function (el) { return el.textContent; });
    function update() {
      var now = Date.now();
      for (var i = 0; i < all.length; i++) {
        var el = all[i];
        var minutes = Math.floor((now - Date.parse(el.getAttribute('datetime'))) / 60000);
        if (!(minutes >= 0 && minutes < 24 * 60)) {
          el.textContent = dates[i];
        } else if (minutes < 60) {
          el.textContent = rtf.format(-Math.max(1, minutes), 'minute');
        } else {
          el.textContent = rtf.format(-Math.floor(minutes / 60), 'hour');
        }
      }
    }
    update();
    window.setInterval(update, 60000);
  }

  // Most read: one beacon when the article is first seen, with no cookie and nothing that
  // names the reader (the server keeps the referring domain only), and none at all when
  // the browser asks not to be tracked.
  function countRead() {
    var story = document.querySelector('article[data-read]');
    if (!story || !navigator.sendBeacon) { return; }
    if (navigator.doNotTrack === '1' || navigator.globalPrivacyControl) { return; }
    var sent = false;
    function send() {
      if (sent || document.visibilityState !== 'visible') { return; }
      sent = true;
      var data = new URLSearchParams();
      data.set('a', story.getAttribute('data-read'));
      data.set('r', document.referrer);
      navigator.sendBeacon('/reads', data);
    }
    send();
    document.addEventListener('visibilitychange', send);
  }

  // The breaking-news ribbon: a reader who closes it does not see that story there again
  // on this browser; the next one shows.
  function breaking() {
    var ribbon = document.querySelector('.breaking[data-breaking]');
    if (!ribbon) { return; }
    var id = ribbon.getAttribute('data-breaking');
    var key = 'arabpress-breaking-closed';
    var closed = null;
    try { closed = window.localStorage.getItem(key); } catch (e) { /* storage off: always shown */ }
    if (closed === id) { ribbon.hidden = true; return; }
    var button = ribbon.querySelector('.breaking-close');
    button.hidden = false;
    button.addEventListener('click', function () {
      ribbon.hidden = true;
      try { window.localStorage.setItem(key, id); } catch (e) { /* hidden for this page only */ }
    });
  }

  forms();
  popup();
  breaking();
  player();
  relativeTimes();
  countRead();
}());
