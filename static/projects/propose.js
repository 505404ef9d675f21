// The proposal form's "add my location" button (projects/micro/propose.html). A static file, not
// an inline script: the Content-Security-Policy allows scripts from the site's own files only.
// The messages come translated from the button's data attributes.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button) { return; }
  var status = document.getElementById("location-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.msgUnsupported; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      // Browsers give WGS-84, which is what we store.
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      status.textContent = button.dataset.msgAdded;
    }, function () { status.textContent = button.dataset.msgFailed; });
  });
})();
