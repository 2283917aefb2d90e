// Browser code of the sample: it lists issues through the server's Tracker proxy
// (/api/tracker/...). The browser never sees a token: the session cookie is HttpOnly and the
// server adds the user's credentials before forwarding the request to Tracker.
(function () {
  'use strict';
  var list = document.getElementById('issues');
  if (!list) return;
  var queue = list.getAttribute('data-queue') || '';

  function show(items) {
    list.textContent = '';
    if (items.length === 0) {
      var empty = document.createElement('li');
      empty.textContent = 'No issues yet.';
      list.appendChild(empty);
      return;
    }
    items.forEach(function (issue) {
      var li = document.createElement('li');
      var key = document.createElement('code');
      key.textContent = issue.key;
      li.appendChild(key);
      // textContent, never innerHTML: summaries are user input.
      li.appendChild(document.createTextNode(' ' + (issue.summary || '')));
      list.appendChild(li);
    });
  }

  fetch('/api/tracker/v3/issues/_search?perPage=20', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(queue ? { filter: { queue: queue } } : {}),
  })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body && body.error && body.error.message) || 'HTTP ' + response.status);
        list.setAttribute('data-total', response.headers.get('x-total-count') || '');
        return body;
      });
    })
    .then(function (issues) {
      show(Array.isArray(issues) ? issues : []);
    })
    .catch(function (error) {
      list.textContent = '';
      var li = document.createElement('li');
      li.className = 'error';
      li.textContent = 'Could not load issues: ' + error.message;
      list.appendChild(li);
    });
})();
