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

// Disclosure buttons (the folded main menu on a phone, the staff sections on a phone): a
// button with data-disclosure and aria-controls shows or hides its target (the class "show",
// which Bootstrap's .collapse styles) and says so in aria-expanded; Escape inside the open
// target closes it and puts focus back on the button. Bootstrap's own script is not loaded.
(function () {
  "use strict";
  document.querySelectorAll("button[data-disclosure][aria-controls]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) { return; }
    var set = function (open) {
      target.classList.toggle("show", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    };
    button.hidden = false;
    button.addEventListener("click", function () { set(!target.classList.contains("show")); });
    target.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && target.classList.contains("show")) {
        set(false);
        button.focus();
      }
    });
  });
})();
