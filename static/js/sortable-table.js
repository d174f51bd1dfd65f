/* Progressive enhancement for tables marked data-sortable: the column header links (?sort=)
   become buttons that sort in the page and keep aria-sort up to date. Without JS the links
   sort on the server. Cells carry data-sort-value; empty values (missing, "för få svar")
   always sort last. */
(function () {
  "use strict";
  function valueOf(row, index) {
    var cell = row.children[index];
    if (!cell) { return null; }
    var raw = cell.getAttribute("data-sort-value");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (raw === "") { return null; }
    var number = Number(raw);
    return isNaN(number) ? raw.toLocaleLowerCase("sv") : number;
  }
  function sortBy(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = valueOf(a, index), y = valueOf(b, index);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var result = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "sv");
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var link = header.querySelector("a");
      if (!link) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = link.textContent;
      button.addEventListener("click", function () { sortBy(table, header, index); });
      header.replaceChild(button, link);
    });
  });
})();
