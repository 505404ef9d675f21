/* WGS-84 <-> GCJ-02, the same published formula as portal/core/geo.py (tested there). */
(function (global) {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  function inChina(lat, lng) { return lat >= 0.8293 && lat <= 55.8271 && lng >= 72.004 && lng <= 137.8347; }
  function dLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function dLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return r;
  }
  function toGcj(lat, lng) {
    if (!inChina(lat, lng)) return [lat, lng];
    var la = dLat(lng - 105.0, lat - 35.0), ln = dLng(lng - 105.0, lat - 35.0);
    var rad = lat / 180.0 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    la = (la * 180.0) / ((A * (1 - EE)) / (magic * sq) * PI);
    ln = (ln * 180.0) / (A / sq * Math.cos(rad) * PI);
    return [lat + la, lng + ln];
  }
  function toWgs(lat, lng) {
    if (!inChina(lat, lng)) return [lat, lng];
    var w = [lat, lng];
    for (var i = 0; i < 20; i++) {
      var g = toGcj(w[0], w[1]), eLat = g[0] - lat, eLng = g[1] - lng;
      w = [w[0] - eLat, w[1] - eLng];
      if (Math.abs(eLat) < 1e-8 && Math.abs(eLng) < 1e-8) break;
    }
    return w;
  }
  global.CenterGeo = { toGcj: toGcj, toWgs: toWgs };
})(window);
