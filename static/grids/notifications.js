// The bell in the staff header: fetches the unread count once the page is shown, so rendering a
// staff page costs no query for it. A static file: the CSP allows the site's own scripts only.
(function () {
  "use strict";
  var bell = document.getElementById("notification-bell");
  if (!bell || !window.fetch) { return; }
  fetch(bell.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (data && data.unread) { document.getElementById("notification-count").textContent = String(data.unread); }
    })
    .catch(function () { /* the list page still shows them */ });
})();
