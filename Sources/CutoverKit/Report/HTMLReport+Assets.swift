extension HTMLReport {
  /// The page's whole style sheet: screen (a laptop) and print (no clipped tables, the
  /// banner keeps its colour).
  static let style = """
    :root { color-scheme: light; --red: #b3261e; --green: #1b6e35; --amber: #8a5a00; --ink: #1d1d1f;
      --muted: #5f6368; --line: #d9dce1; --zebra: #f6f7f9; }
    * { box-sizing: border-box; }
    html { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); }
    body { margin: 0; background: #fff; }
    main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
    footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; overflow-wrap: anywhere; }
    code { font: 13px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
    h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    h3 { font-size: 16px; margin: 18px 0 8px; }
    .count { color: var(--muted); font-size: 14px; font-weight: normal; margin-left: 8px; }
    .banner { display: flex; gap: 24px; align-items: flex-start; padding: 20px 24px; color: #fff;
      -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    .banner.red { background: var(--red); }
    .banner.green { background: var(--green); }
    .verdict-word { font-size: 44px; font-weight: 800; letter-spacing: 2px; line-height: 1; padding-top: 4px; }
    .verdict-text { flex: 1; min-width: 0; overflow-wrap: anywhere; }
    .verdict-text p { margin: 4px 0; }
    .lead { font-size: 18px; }
    .failures { margin: 6px 0; padding-left: 22px; }
    .subject { opacity: 0.9; font-size: 14px; }
    dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 18px; margin: 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    .pending { border: 1px dashed var(--muted); padding: 10px 12px; }
    .warning { color: var(--red); font-weight: 600; }
    .note, .hint { color: var(--muted); font-size: 13px; }
    .controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin-bottom: 8px; }
    .controls select, .controls input { font: inherit; padding: 2px 6px; }
    .scroll { overflow-x: auto; }
    table.data { border-collapse: collapse; width: 100%; font-size: 14px; }
    table.data th, table.data td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
      vertical-align: top; }
    table.data thead th { background: #eef0f3; position: sticky; top: 0; white-space: nowrap; }
    table.data tbody tr:nth-child(even) { background: var(--zebra); }
    table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    table.data .name, table.data .digest, table.data .value { overflow-wrap: anywhere; }
    table.data .digest { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
    table.data .digest .reason { display: block; font: 13px/1.3 system-ui, "DejaVu Sans", sans-serif; color: var(--muted); }
    th[data-key] { cursor: pointer; user-select: none; }
    th[data-key]:hover, th[data-key]:focus { text-decoration: underline; }
    th[aria-sort="ascending"]::after { content: " ▲"; }
    th[aria-sort="descending"]::after { content: " ▼"; }
    tr[hidden] { display: none; }
    .pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
      white-space: nowrap; border: 1px solid currentColor; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    .pill.match, .pill.pass, .pill.equal { color: var(--green); }
    .pill.differs, .pill.fail { color: #fff; background: var(--red); border-color: var(--red); }
    .pill.not-checked, .pill.warning { color: var(--amber); }
    .pill.skipped, .pill.accepted { color: var(--muted); }
    section.failure { border-left: 4px solid var(--red); padding-left: 12px; margin: 14px 0; }
    @media (max-width: 720px) {
      .banner { flex-direction: column; gap: 8px; }
      main, footer { padding: 0 12px; }
    }
    @page { size: A4; margin: 12mm; }
    @media print {
      html { font-size: 10.5pt; }
      main, footer { max-width: none; padding: 0; }
      .banner { padding: 12px 14px; }
      .controls, .hint { display: none; }
      .scroll { overflow: visible; }
      table.data { font-size: 9pt; table-layout: auto; }
      table.data th, table.data td { padding: 3px 5px; }
      table.data .digest { font-size: 8pt; }
      table.data .digest .reason { font-size: 8.5pt; }
      table.data thead { display: table-header-group; }
      table.data thead th { position: static; }
      tr, dt, dd { break-inside: avoid; }
      h2, h3 { break-after: avoid; }
      a { color: inherit; text-decoration: none; }
    }

    """

  /// The page's script, which sorts and filters the per-table table.
  ///
  /// From clicks and from the URL fragment (`#sort=rows&dir=desc&filter=failed&q=orders`).
  /// It touches only the rows' order, `hidden` and data attributes; it never builds markup.
  static let script = """
    (function () {
      "use strict";
      var table = document.getElementById("tables");
      if (!table) { document.documentElement.setAttribute("data-ready", "true"); return; }
      var body = table.tBodies[0];
      var filter = document.getElementById("filter");
      var search = document.getElementById("search");
      var count = document.getElementById("table-count");
      var headers = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-key]"));
      var numeric = { rows: true, bytes: true, time: true };
      var rank = { "differs": 0, "not checked": 1, "match": 2, "skipped": 3 };
      var filters = { all: true, failed: true, match: true, skipped: true, differs: true, "not checked": true };
      var state = { sort: "", dir: "", filter: "all", q: "" };

      function readFragment() {
        var hash = location.hash.replace(/^#/, "");
        if (hash.indexOf("=") < 0) { return false; }
        var params = new URLSearchParams(hash);
        state.sort = params.get("sort") || "";
        state.dir = params.get("dir") || "";
        state.filter = params.get("filter") || "all";
        state.q = params.get("q") || "";
        return true;
      }
      function writeFragment() {
        var params = new URLSearchParams();
        if (state.sort) { params.set("sort", state.sort); }
        if (state.dir) { params.set("dir", state.dir); }
        if (state.filter !== "all") { params.set("filter", state.filter); }
        if (state.q) { params.set("q", state.q); }
        var text = params.toString();
        history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
      }
      function value(row, key) {
        if (key === "table") { return row.getAttribute("data-table"); }
        if (key === "status") { return rank[row.getAttribute("data-status")]; }
        return Number(row.getAttribute("data-" + key));
      }
      function apply() {
        var rows = Array.prototype.slice.call(body.rows);
        var key = headers.some(function (th) { return th.getAttribute("data-key") === state.sort; }) ? state.sort : "";
        var descending = state.dir ? state.dir === "desc" : numeric[key] === true;
        rows.sort(function (a, b) {
          var order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
          if (!key) { return order; }
          var x = value(a, key), y = value(b, key);
          var c = typeof x === "string" ? x.localeCompare(y) : x - y;
          if (c === 0) { return order; }
          return descending ? -c : c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        var wanted = filters[state.filter] ? state.filter : "all";
        var query = state.q.toLowerCase();
        var shown = 0;
        rows.forEach(function (row) {
          var status = row.getAttribute("data-status");
          var visible = wanted === "all" || (wanted === "failed" ? row.getAttribute("data-failed") === "true" : status === wanted);
          if (visible && query) { visible = row.getAttribute("data-table").toLowerCase().indexOf(query) >= 0; }
          row.hidden = !visible;
          if (visible) { shown += 1; }
        });
        headers.forEach(function (th) {
          var sorted = th.getAttribute("data-key") === key;
          th.setAttribute("aria-sort", sorted ? (descending ? "descending" : "ascending") : "none");
        });
        table.setAttribute("data-sort", key ? key + (descending ? " desc" : " asc") : "");
        table.setAttribute("data-filter", wanted + (query ? " " + query : ""));
        if (filter) { filter.value = wanted; }
        if (search) { search.value = state.q; }
        if (count) { count.textContent = shown + " of " + rows.length + " tables shown"; }
      }
      headers.forEach(function (th) {
        function sortBy() {
          var key = th.getAttribute("data-key");
          if (state.sort === key) {
            var descending = state.dir ? state.dir === "desc" : numeric[key] === true;
            state.dir = descending ? "asc" : "desc";
          } else {
            state.sort = key;
            state.dir = "";
          }
          apply();
          writeFragment();
        }
        th.addEventListener("click", sortBy);
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(); }
        });
      });
      if (filter) { filter.addEventListener("change", function () { state.filter = filter.value; apply(); writeFragment(); }); }
      if (search) { search.addEventListener("input", function () { state.q = search.value; apply(); writeFragment(); }); }
      window.addEventListener("hashchange", function () { if (readFragment()) { apply(); } });
      readFragment();
      apply();
      document.documentElement.setAttribute("data-ready", "true");
    })();

    """
}
