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
