// The newsroom editor's live preview: the body is sent (with the form's CSRF token) to
// /admin/preview, which renders it with the same code as the public page. Without this
// script the editor still works: its Preview button renders the preview on the server.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  var out = document.getElementById('preview');
  if (!form || !out) { return; }
  var fields = ['headline', 'standfirst', 'body', 'lang'];
  var timer = null;
  var seq = 0;
  function refresh() {
    var data = new FormData();
    data.append('csrf', form.elements.csrf.value);
    fields.forEach(function (name) {
      if (form.elements[name]) { data.append(name, form.elements[name].value); }
    });
    var mine = ++seq;
    fetch('/admin/preview', { method: 'POST', body: new URLSearchParams(data), credentials: 'same-origin' })
      // A lost session redirects to sign-in: keep the last preview rather than show that page.
      .then(function (res) { return res.ok && !res.redirected ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        if (mine === seq) { out.innerHTML = html; out.setAttribute('data-fresh', String(mine)); }
      })
      .catch(function () { /* keep the last preview */ });
  }
  form.addEventListener('input', function (e) {
    if (fields.indexOf(e.target.name) < 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  if (form.elements.body && form.elements.body.value) { refresh(); }
}());
