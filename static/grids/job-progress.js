// The job page's progress bar: polls the job's progress.json and reloads once it has finished,
// so the outcome is shown. No inline script (Content-Security-Policy).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") return;
  var bar = box.querySelector(".progress");
  var fill = box.querySelector(".progress-bar");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        fill.style.width = data.percent + "%";
        bar.setAttribute("aria-valuenow", data.percent);
        document.getElementById("job-done").textContent = data.done;
        document.getElementById("job-total").textContent = data.total;
        document.getElementById("job-status").textContent = data.status_label;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
