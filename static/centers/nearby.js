/* "Use my location": ask the browser once, then load the server-rendered list for that point. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (!button) return;
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.denied; return; }
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        var lat = pos.coords.latitude.toFixed(6), lng = pos.coords.longitude.toFixed(6);
        window.location.href = button.dataset.url + "?lat=" + lat + "&lng=" + lng;
      },
      function () { status.textContent = button.dataset.denied; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();

/* After a search the results come first on the page; move the focus there too, so a screen
   reader announces them and a keyboard user starts from the answer. */
(function () {
  "use strict";
  var heading = document.getElementById("results-h");
  if (heading) heading.focus();
})();
