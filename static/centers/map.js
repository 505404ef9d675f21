/* Progressive enhancement: the page already lists everything; the map only adds a picture.
   Markers are stored in WGS-84; with GCJ-02 tiles (MAP_TILE_CRS=gcj02) they are shifted for
   display, and a point picked on such a map is shifted back before it fills the form. */
(function () {
  "use strict";
  /* One map a page: the centers' pages use #center-map, other pages name their container and its
     configuration with data-map-config (the id of a json_script). */
  var el = document.querySelector("[data-map-config]") || document.getElementById("center-map");
  var cfgEl = el && document.getElementById(el.dataset.mapConfig || "center-map-config");
  if (!el || !cfgEl) return;

  /* Leaflet (about 40 KB compressed with its CSS) is fetched only once the map is on screen: a
     page without a map, or a visitor who never scrolls to it, never downloads it. */
  var started = false;
  function load() {
    if (started) return;
    started = true;
    if (window.L) { draw(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = el.dataset.leafletCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = el.dataset.leafletJs;
    js.onload = draw;
    document.head.appendChild(js);
  }
  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
    }, { rootMargin: "200px" });
    seen.observe(el);
  } else {
    load();
  }

  function draw() {
    var cfg = JSON.parse(cfgEl.textContent);
    var gcj = cfg.crs === "gcj02";
    function show(lat, lng) { return gcj ? CenterGeo.toGcj(lat, lng) : [lat, lng]; }
    function store(lat, lng) { return gcj ? CenterGeo.toWgs(lat, lng) : [lat, lng]; }

    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({ iconUrl: el.dataset.icon, iconRetinaUrl: el.dataset.iconRetina, shadowUrl: el.dataset.shadow });
    var map = L.map(el, { scrollWheelZoom: false });
    // No "Leaflet" link in the corner: a 14 px link is too small to tap (WCAG 2.5.8, 适老化).
    map.attributionControl.setPrefix(false);
    var tiles = L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
    /* Without a way to the tile server (an intranet, a server down) every tile is an error in the
       browser's console, and every pan or zoom would ask again. The first failure takes the layer
       away (Leaflet cancels the tiles still loading): the markers stay on the grey box, and a
       line says why there is no map behind them. */
    tiles.once("tileerror", function () {
      map.removeLayer(tiles);
      el.classList.add("center-map-offline");
      var note = L.control({ position: "topright" });
      note.onAdd = function () {
        var box = L.DomUtil.create("div", "center-map-note");
        box.textContent = el.dataset.offline;
        return box;
      };
      note.addTo(map);
    });
    var points = [];
    (cfg.markers || []).forEach(function (m) {
      var p = show(m.lat, m.lng);
      var opts = m.uncovered ? { radius: 6, color: "#b01c1c" } : null;
      var mk = opts ? L.circleMarker(p, opts) : L.marker(p, { title: m.name, alt: m.name });
      var text = document.createElement(m.url ? "a" : "span");
      text.textContent = m.name + (m.label ? " · " + m.label : "");
      if (m.url) text.href = m.url;
      mk.bindPopup(text).addTo(map);
      points.push(p);
    });
    if (cfg.center) {
      var c = show(cfg.center.lat, cfg.center.lng);
      L.circleMarker(c, { radius: 8, color: "#0a58ca" }).bindPopup(el.dataset.you).addTo(map);
      points.push(c);
    }
    if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
    else if (points.length === 1) map.setView(points[0], 16);
    else map.setView(show(22.5431, 114.0579), cfg.zoom || 13);

    if (cfg.picker) {
      var lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
      var status = el.dataset.status ? document.getElementById(el.dataset.status) : null;
      var pin = null;
      var place = function (p) { if (pin) pin.setLatLng(p); else pin = L.marker(p).addTo(map); };
      // A form sent back (an error elsewhere) or "use my location" already holds a point: pin it.
      var fromFields = function () {
        if (!lat.value || !lng.value || isNaN(+lat.value) || isNaN(+lng.value)) return;
        var p = show(+lat.value, +lng.value);
        place(p);
        map.setView(p, Math.max(map.getZoom(), 16));
      };
      if (!points.length) fromFields();
      lat.addEventListener("change", fromFields);
      map.on("click", function (e) {
        var w = store(e.latlng.lat, e.latlng.lng);
        lat.value = w[0].toFixed(6);
        lng.value = w[1].toFixed(6);
        place(e.latlng);
        if (status && el.dataset.picked) status.textContent = el.dataset.picked;
      });
    }
  }
})();
