// Staff pages on a phone (static/portal/staff.css, "Staff tables on a phone"):
//   each table cell gets data-label, its column's heading, which the cell shows beside its
//   value once the table is stacked into one card per row below 576 px; a cell that holds a
//   form field keeps its own <label> and gets none. The card layout needs the class table-cards,
//   added here: without this script a table stays a table and scrolls in its own box.
//   The staff menu marks the section of the page (aria-current="page"): the link whose path
//   is the longest prefix of the page's path (the overview, data-exact, only on itself); its
//   name is repeated on the button the menu folds behind on a phone.
(function () {
  "use strict";
  document.querySelectorAll("body.staff main table.table").forEach(function (table) {
    table.classList.add("table-cards");
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) { return; }
    var labels = [];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      for (var i = 0; i < th.colSpan; i++) { labels.push(th.textContent.trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          column += cell.colSpan;
          if (cell.colSpan > 1 || !label || cell.tagName === "TH") { return; }
          if (cell.querySelector("label, input:not([type=hidden]), select, textarea")) { return; }
          cell.setAttribute("data-label", label);
        });
      });
    });
  });

  var best = null;
  var here = window.location.pathname;
  document.querySelectorAll(".staff-nav a.nav-link[href]").forEach(function (link) {
    var path = new URL(link.href, window.location.href).pathname;
    var matches = link.hasAttribute("data-exact") ? here === path : here.indexOf(path) === 0;
    if (matches && (!best || path.length > best.path.length)) { best = { link: link, path: path }; }
  });
  if (best) {
    best.link.setAttribute("aria-current", "page");
    best.link.classList.add("active");
    document.querySelectorAll("[data-staff-current]").forEach(function (slot) {
      slot.textContent = best.link.textContent.trim();
    });
  }
})();
