// Search-as-you-type pickers (portal/core/pickers.py): every <input data-picker="URL"> holding a
// record's id becomes a Tom Select asking that scoped JSON endpoint as the user types. Tom Select
// (static/vendor/tom-select) is loaded only on pages that hold a picker; its URLs come from this
// script's data attributes (hashed static names). Without scripts the input stays a plain id.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-picker]");
  var me = document.currentScript;
  if (!inputs.length || !me) { return; }

  function endpoint(input, query, page) {
    var url = new URL(input.getAttribute("data-picker"), window.location.href);
    url.searchParams.set("q", query);
    if (page > 1) { url.searchParams.set("page", String(page)); }
    return url.toString();
  }

  // The chosen records: one id with its label, or (data-picker-multiple) "id,id" with their
  // labels as JSON in data-picker-chosen.
  function chosenOf(input) {
    if (!input.value) { return []; }
    if (!input.hasAttribute("data-picker-multiple")) {
      return [{ id: input.value, text: input.getAttribute("data-picker-label") || input.value }];
    }
    var labels = {};
    try {
      JSON.parse(input.getAttribute("data-picker-chosen") || "[]").forEach(function (o) { labels[String(o.id)] = o.text; });
    } catch (e) { labels = {}; }
    return input.value.split(",").filter(Boolean).map(function (id) { return { id: id, text: labels[id] || id }; });
  }

  function start(input) {
    var multiple = input.hasAttribute("data-picker-multiple");
    var chosen = chosenOf(input);
    // The server's answer to one query: which text it answered and the ids it gave. Only those
    // options are listed for that text, so Enter takes the first match of what was typed, never
    // an option kept from the preload on focus or from an earlier query (with no search fields,
    // Tom Select would list every option it holds for any text, 福田区 first).
    var answer = { query: null, ids: {} };
    var loadingText = me.getAttribute("data-loading") || "";
    input.removeAttribute("inputmode");
    // eslint-disable-next-line no-undef
    new TomSelect(input, {
      maxItems: multiple ? null : 1,
      delimiter: ",",
      valueField: "id",
      labelField: "text",
      searchField: [],  // the server searches; show what it returns
      score: function (query) {
        return function (item) { return answer.query === query && answer.ids[String(item.id)] ? 1 : 0; };
      },
      options: chosen,
      items: chosen.map(function (o) { return o.id; }),
      create: false,
      clearAfterSelect: true,  // the next search starts afresh, not as "先锋青年"
      preload: "focus",
      loadThrottle: 250,
      plugins: multiple ? ["remove_button"] : (input.required ? [] : ["clear_button"]),
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        fetch(endpoint(input, query, 1), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (query !== self.inputValue()) { callback([]); return; }  // an answer overtaken by typing
            answer = { query: query, ids: {} };
            data.results.forEach(function (o) { answer.ids[String(o.id)] = true; });
            self.clearOptions();  // keeps the chosen items
            callback(data.results);  // Tom Select then makes the first result the active one
          })
          .catch(function () { callback([]); });
      },
      render: {
        no_results: function (data) {
          // Until the server has answered what was typed, "searching", not "nothing found".
          if (answer.query !== data.input) { return "<div class=\"py-2 px-3\">" + loadingText + "</div>"; }
          return "<div class=\"no-results\">" + (me.getAttribute("data-none") || "") + "</div>";
        },
        loading: function () { return "<div class=\"py-2 px-3\">" + loadingText + "</div>"; }
      }
    });
  }

  function startAll() { inputs.forEach(start); }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = me.getAttribute("data-css");
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = me.getAttribute("data-js");
  script.addEventListener("load", startAll);
  document.head.appendChild(script);
})();
