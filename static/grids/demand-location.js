// The demand form's "use my location" step (grids/demands/new.html). A static file: the
// Content-Security-Policy allows scripts from the site's own files only. Messages come
// translated from the button's data attributes. Browsers give WGS-84, which is what we store.
(function () {
  "use strict";
  var button = document.getElementById("demand-location");
  if (!button) { return; }
  var status = document.getElementById("demand-location-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.msgUnsupported; return; }
    status.textContent = button.dataset.msgWaiting;
    navigator.geolocation.getCurrentPosition(function (where) {
      document.getElementById("id_latitude").value = where.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = where.coords.longitude.toFixed(6);
      // The map, if it is showing, moves its pin here (static/centers/map.js listens).
      document.getElementById("id_latitude").dispatchEvent(new Event("change"));
      status.textContent = button.dataset.msgAdded;
    }, function () { status.textContent = button.dataset.msgFailed; }, { timeout: 15000 });
  });
})();
