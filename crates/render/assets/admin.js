// The newsroom editor's script. Without it the editor still works: its Preview button
// renders the preview on the server and Save keeps the text. With it:
// - the preview follows the typing: the form (not the file) is sent, with its CSRF token,
//   to /admin/preview, which renders it with the same code as the public page;
// - a draft is saved by itself every 30 seconds and when the writer leaves a field they
//   changed; a save that someone else's newer save would overwrite is refused by the
//   server, and the script then stops saving by itself and says why;
// - leaving the page with changes not saved (or an image chosen) asks first;
// - a toolbar (and Ctrl+B, Ctrl+I, Ctrl+K) writes the body's Markdown: bold, italic, link,
//   subheading, quote, interview turn, image.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  if (!form) { return; }
  var out = document.getElementById('preview');
  var state = document.getElementById('save-state');
  var AUTOSAVE_MS = 30000;

  // The form's fields, without the file (an image is uploaded by a save by hand).
  function fields() {
    var data = new FormData(form);
    data.delete('image_file');
    data.delete('action');
    return data;
  }

  // --- live preview ---------------------------------------------------------------------
  var previewTimer = null;
  var previewSeq = 0;
  function refresh() {
    if (!out) { return; }
    var mine = ++previewSeq;
    fetch('/admin/preview', { method: 'POST', body: fields(), credentials: 'same-origin' })
      // A lost session redirects to sign-in: keep the last preview rather than show that page.
      .then(function (res) { return res.ok && !res.redirected ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        if (mine === previewSeq) { out.innerHTML = html; out.setAttribute('data-fresh', String(mine)); }
      })
      .catch(function () { /* keep the last preview */ });
  }

  // --- saving by itself -----------------------------------------------------------------
  var edits = 0;        // changes typed since the page loaded
  var savedEdits = 0;   // how many of them the server has
  var inFlight = null;  // the autosave under way, if any
  var again = false;    // a save was asked for while one was under way
  var leaving = false;  // a save by hand was sent: the page is about to go

  function say(text, bad) {
    if (!state) { return; }
    state.textContent = text;
    state.classList.toggle('bad', Boolean(bad));
  }

  function unsaved() { return edits !== savedEdits; }

  function autosave() {
    var url = form.getAttribute('data-autosave');
    if (inFlight) { again = true; return inFlight; }
    if (!url || !unsaved() || leaving) { return Promise.resolve(); }
    var sent = edits;
    inFlight = fetch(url, {
      method: 'POST', body: fields(), credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    })
      .then(function (res) {
        if (res.redirected) { return Promise.reject(new Error('signed out')); }
        return res.json().then(function (body) { return { status: res.status, body: body }; });
      })
      .then(function (r) {
        if (r.status === 200) {
          savedEdits = sent;
          form.elements.version.value = String(r.body.version);
          if (form.getAttribute('action') !== r.body.url) {
            // The first save of a new article: from now on it is that article.
            form.setAttribute('action', r.body.url);
            form.setAttribute('data-autosave', r.body.autosave);
            if (window.history && history.replaceState) { history.replaceState(null, '', r.body.url); }
          }
          say(r.body.message, false);
        } else if (r.status === 409 || r.status === 403 || r.status === 404) {
          // Someone saved since, the article left draft, or the form is stale: only a save
          // by hand (which shows what to do) may go on.
          form.removeAttribute('data-autosave');
          say(r.body.error, true);
        } else {
          say(r.body.error || form.getAttribute('data-autosave-failed'), true);
        }
      })
      .catch(function () { say(form.getAttribute('data-autosave-failed'), true); })
      .then(function () {
        inFlight = null;
        // What changed while this save was under way is saved next.
        if (again) { again = false; return autosave(); }
      });
    return inFlight;
  }

  // A change to the form: one more edit to save (a chosen file is not one: it waits for a
  // save by hand), and a fresh preview shortly.
  function edited(counts) {
    if (counts) { edits += 1; }
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refresh, 300);
  }
  form.addEventListener('input', function (e) {
    if (!e.target.name || e.target.name === 'csrf') { return; }
    edited(e.target.name !== 'image_file');
  });
  form.addEventListener('change', function (e) {
    // Selects and check boxes may not fire input in every browser.
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') { edited(true); }
  });
  form.addEventListener('focusout', function () { if (unsaved()) { autosave(); } });
  setInterval(autosave, AUTOSAVE_MS);

  // A save by hand during an autosave waits for it, so it is sent with the newest version;
  // a second press meanwhile is not queued again.
  var waiting = false;
  form.addEventListener('submit', function (e) {
    if (waiting) { e.preventDefault(); return; }
    if (inFlight) {
      e.preventDefault();
      waiting = true;
      var button = e.submitter;
      inFlight.then(function () {
        waiting = false;
        if (form.requestSubmit) { form.requestSubmit(button || undefined); return; }
        if (button && button.name) {
          var step = document.createElement('input');
          step.type = 'hidden';
          step.name = button.name;
          step.value = button.value;
          form.appendChild(step);
        }
        leaving = true;
        form.submit();
      });
      return;
    }
    leaving = true;
  });

  window.addEventListener('beforeunload', function (e) {
    var file = form.elements.image_file;
    var chosen = file && file.files && file.files.length > 0;
    if (leaving || !(unsaved() || chosen)) { return; }
    e.preventDefault();
    e.returnValue = form.getAttribute('data-unsaved') || '';
    return e.returnValue;
  });

  // --- the formatting toolbar: inserts the Markdown the body hint describes -------------
  var body = form.elements.body;
  var bar = form.querySelector('.md-toolbar');
  if (body && bar) {
    var word = function (name) { return bar.getAttribute('data-' + name) || ''; };
    // Replaces body[start, end) with text, selects [selStart, selEnd) of it, and tells the
    // preview and autosave (execCommand keeps the browser's undo; setRangeText is the fallback).
    var put = function (start, end, text, selStart, selEnd) {
      body.focus();
      body.setSelectionRange(start, end);
      var done = false;
      try { done = document.execCommand('insertText', false, text); } catch (e) { done = false; }
      if (!done || body.value.slice(start, start + text.length) !== text) {
        body.setRangeText(text, start, end, 'end');
        body.dispatchEvent(new Event('input', { bubbles: true }));
      }
      body.setSelectionRange(start + selStart, start + selEnd);
    };
    var lineStart = function (i) { return i > 0 ? body.value.lastIndexOf('\n', i - 1) + 1 : 0; };
    var lineEnd = function (i) { var e = body.value.indexOf('\n', i); return e < 0 ? body.value.length : e; };
    // The selected text, or the placeholder `name` when nothing is selected.
    var selected = function (name) {
      return body.value.slice(body.selectionStart, body.selectionEnd) || word(name);
    };
    // `mark` on both sides of the selection; the text inside stays selected.
    var wrap = function (mark) {
      var inner = selected('text');
      put(body.selectionStart, body.selectionEnd, mark + inner + mark, mark.length, mark.length + inner.length);
    };
    // A link (`bang` '') or an image ('!') around the selection, the address selected.
    var link = function (bang, name) {
      var text = bang + '[' + selected(name) + '](https://)';
      put(body.selectionStart, body.selectionEnd, text, text.length - 9, text.length - 1);
    };
    // Each line of the selection starts with `prefix` (or stops, if all of them did).
    var lines = function (prefix) {
      // A selection of whole lines ends at the start of the next one: that line is not in it.
      var end = body.selectionEnd;
      if (end > body.selectionStart && body.value.charAt(end - 1) === '\n') { end -= 1; }
      var a = lineStart(body.selectionStart), b = lineEnd(end);
      var rows = body.value.slice(a, b).split('\n');
      var all = rows.every(function (r) { return r.indexOf(prefix) === 0; });
      var text = rows.map(function (r) { return all ? r.slice(prefix.length) : prefix + r; }).join('\n');
      put(a, b, text, text.length, text.length);
    };
    var actions = {
      bold: function () { wrap('**'); },
      italic: function () { wrap('*'); },
      link: function () { link('', 'text'); },
      image: function () { link('!', 'alt'); },
      heading: function () { lines('## '); },
      quote: function () { lines('> '); },
      // An interview turn: the speaker's name, bold with its colon, starts the line.
      turn: function () {
        var a = lineStart(body.selectionStart);
        var name = word('speaker');
        put(a, a, '**' + name + ':** ', 2, 2 + name.length);
      }
    };
    bar.hidden = false;
    // Pressing a button keeps the caret (and the selection) in the body.
    bar.addEventListener('mousedown', function (e) { if (e.target.closest('button')) { e.preventDefault(); } });
    bar.addEventListener('click', function (e) {
      var b = e.target.closest('button[data-md]');
      var act = b && actions[b.getAttribute('data-md')];
      if (act) { act(); }
    });
    // By the key's place (so they work on an Arabic keyboard too), else by its letter.
    var keys = { KeyB: 'bold', KeyI: 'italic', KeyK: 'link', b: 'bold', i: 'italic', k: 'link' };
    body.addEventListener('keydown', function (e) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) { return; }
      var what = keys[e.code] || keys[String(e.key).toLowerCase()];
      if (what) {
        e.preventDefault();
        actions[what]();
      }
    });
  }

  if (out && form.elements.body && form.elements.body.value) { refresh(); }
}());

// Pickers, on any newsroom page: a field with data-lookup is filled from its datalist,
// which the script keeps to what /admin/lookup/… finds for what is typed (journalists by
// name in either script or slug, tags of the article's language), ten at most, so that no
// page lists a large newsroom's every journalist or tag. Without the script the field
// takes a slug or a full name typed out. A field with data-lookup-list holds a list split
// by commas: the suggestions complete its last item.
(function () {
  'use strict';
  var SEPARATED = /^(.*[,،]\s*)?([^,،]*)$/;
  Array.prototype.forEach.call(document.querySelectorAll('input[data-lookup]'), function (input) {
    var list = input.list;
    if (!list) { return; }
    var many = input.hasAttribute('data-lookup-list');
    var timer = null;
    var seq = 0;
    function lookup() {
      var m = many ? SEPARATED.exec(input.value) : null;
      var head = (m && m[1]) || '';
      var term = (m ? m[2] || '' : input.value).trim();
      if (!term) { return; }
      var url = input.getAttribute('data-lookup') + '?q=' + encodeURIComponent(term);
      var lang = document.getElementById('lang');
      if (many && lang) { url += '&lang=' + encodeURIComponent(lang.value); }
      var mine = ++seq;
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.ok && !res.redirected ? res.json() : Promise.reject(res.status); })
        .then(function (items) {
          if (mine !== seq) { return; }
          list.textContent = '';
          items.forEach(function (item) {
            var o = document.createElement('option');
            o.value = head + item.value;
            o.label = item.label;
            list.appendChild(o);
          });
          list.setAttribute('data-for', term);
        })
        .catch(function () { /* keep the last suggestions */ });
    }
    input.addEventListener('input', function (e) {
      // Choosing a suggestion is an input too: it needs no new suggestions.
      if (e.inputType === 'insertReplacementText' || e.inputType === undefined) { return; }
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
  });
})();
