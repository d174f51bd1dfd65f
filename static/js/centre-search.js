// Progressive enhancement for "Hitta ditt exportcentrum": while a visitor types a municipality
// or county name, the list of all centres narrows down. Postal codes still go to the server
// (the search button works the same with or without this script).
(function () {
  "use strict";
  var input = document.getElementById("id_q");
  var list = document.getElementById("centre-cards");
  var status = document.getElementById("filter-status");
  if (!input || !list || !status) { return; }
  var cards = Array.prototype.slice.call(list.querySelectorAll(".centre-card"));
  var lang = document.documentElement.lang || "sv";
  // The sentence comes translated from the page: "{shown} av {total} exportcentrum visas".
  var template = status.getAttribute("data-template") || "{shown} / {total}";

  // Accents are ignored, as on the server: "malmo" finds Malmö.
  function fold(text) {
    return text.toLocaleLowerCase(lang).normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function filter() {
    var needle = fold(input.value.trim());
    var byName = needle.length >= 2 && !/^[\d\s]+$/.test(needle);
    var shown = 0;
    cards.forEach(function (card) {
      var terms = fold(card.getAttribute("data-terms") || "");
      var visible = !byName || terms.split(/\s+/).some(function (word) {
        return word.indexOf(needle) === 0;
      }) || terms.indexOf(needle) !== -1;
      card.hidden = !visible;
      if (visible) { shown += 1; }
    });
    status.textContent = byName
      ? template.replace("{shown}", shown).replace("{total}", cards.length)
      : "";
  }

  input.addEventListener("input", filter);
})();
