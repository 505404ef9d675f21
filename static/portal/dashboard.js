/* Draws the dashboard's charts with the vendored ECharts from the JSON island
   #dashboard-charts (no inline script: CSP). Each chart keeps its data table: shown without
   JavaScript, behind a toggle with it. */
(function () {
  "use strict";
  var island = document.getElementById("dashboard-charts");
  if (!island || typeof echarts === "undefined") { return; }
  var charts = {};
  JSON.parse(island.textContent).forEach(function (c) { charts[c.key] = c; });
  var large = document.body.classList.contains("large-text");
  var font = large ? 18 : 13;
  var drawn = [];

  // Numbers as the tables read them, the same in every language: money "14,422,515.87".
  function formatter(unit) {
    var digits = unit === "money" ? 2 : 0;
    var format = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: unit === "count" ? 0 : 2 });
    return function (value) { return typeof value === "number" ? format.format(value) : value; };
  }

  function option(c) {
    var number = formatter(c.unit);
    var base = { textStyle: { fontSize: font }, tooltip: { trigger: c.kind === "pie" ? "item" : "axis" },
                 legend: { top: 0, textStyle: { fontSize: font } }, animation: false };
    if (c.kind === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 30,
        label: { fontSize: font, formatter: function (p) { return p.name + ": " + number(p.value); } },
        data: c.labels.map(function (label, i) { return { name: label, value: c.series[0].data[i] }; }) }];
      return base;
    }
    base.grid = { left: 8, right: 16, bottom: 8, top: 40, containLabel: true };
    base.xAxis = { type: "category", data: c.labels, axisLabel: { fontSize: font, interval: 0, rotate: c.labels.length > 4 ? 30 : 0 } };
    base.yAxis = { type: "value", axisLabel: { fontSize: font, formatter: formatter(c.unit === "money" ? "hours" : c.unit) } };
    base.series = c.series.map(function (s) { return { name: s.name, type: c.kind, data: s.data }; });
    return base;
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var c = charts[box.getAttribute("data-chart")];
    var canvas = box.querySelector(".chart-canvas");
    var table = box.querySelector(".chart-data");
    var button = box.querySelector(".chart-toggle");
    if (!c || !canvas) { return; }
    canvas.hidden = false;
    table.hidden = true;
    button.hidden = false;
    var chart = echarts.init(canvas, null, { renderer: "canvas" });
    chart.setOption(option(c));
    drawn.push(chart);
    button.addEventListener("click", function () {
      var showTable = table.hidden;
      table.hidden = !showTable;
      canvas.hidden = showTable;
      button.setAttribute("aria-pressed", showTable ? "true" : "false");
      button.textContent = button.getAttribute(showTable ? "data-show-chart" : "data-show-table");
      if (!showTable) { chart.resize(); }
    });
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { drawn.forEach(function (c) { c.resize({ width: 640 }); }); });
})();
