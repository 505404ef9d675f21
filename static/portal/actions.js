// Small page actions that used to be inline JavaScript (onclick, javascript: links), which the
// Content-Security-Policy forbids: scripts come only from the site's own files.
//   data-print  on a button: opens the print dialog;
//   data-back   on a link: goes back in the history when there is one (else follows the link).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
})();

// The error summary (templates/includes/error_summary.html): focused when the page comes back
// with errors, so a screen reader reads it and a keyboard starts there; each link focuses its
// field (a picker's search box, which stands in for the hidden id input) with its label in view.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var field = document.getElementById(id + "-ts-control") || document.getElementById(id);
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(id) + "']") || document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();
