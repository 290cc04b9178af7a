// The newsroom editor's script. Without it the editor still works: its Preview button
// renders the preview on the server and Save keeps the text. With it:
// - the preview follows the typing: the form (not the file) is sent, with its CSRF token,
//   to /admin/preview, which renders it with the same code as the public page;
// - a draft is saved by itself every 30 seconds and when the writer leaves a field they
//   changed; a save that someone else's newer save would overwrite is refused by the
//   server, and the script then stops saving by itself and says why;
// - leaving the page with changes not saved (or an image chosen) asks first.
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
  var leaving = false;  // a save by hand was sent: the page is about to go

  function say(text, bad) {
    if (!state) { return; }
    state.textContent = text;
    state.classList.toggle('bad', Boolean(bad));
  }

  function unsaved() { return edits !== savedEdits; }

  function autosave() {
    var url = form.getAttribute('data-autosave');
    if (!url || inFlight || !unsaved() || leaving) { return inFlight || Promise.resolve(); }
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
      .then(function () { inFlight = null; });
    return inFlight;
  }

  form.addEventListener('input', function (e) {
    if (!e.target.name || e.target.name === 'csrf') { return; }
    if (e.target.name !== 'image_file') { edits += 1; }
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refresh, 300);
  });
  form.addEventListener('change', function (e) {
    // Selects and check boxes may not fire input in every browser.
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') {
      edits += 1;
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refresh, 300);
    }
  });
  form.addEventListener('focusout', function () { if (unsaved()) { autosave(); } });
  setInterval(autosave, AUTOSAVE_MS);

  // A save by hand during an autosave waits for it, so it is sent with the newest version.
  form.addEventListener('submit', function (e) {
    if (inFlight) {
      e.preventDefault();
      var button = e.submitter;
      inFlight.then(function () {
        leaving = true;
        if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }
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

  if (out && form.elements.body && form.elements.body.value) { refresh(); }
}());
