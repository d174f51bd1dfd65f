// Progressive enhancement for the question form: shows the county as the user types the postal
// code or picks a municipality. Without JS the "Visa län" button does the same on the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (form) {
    var url = form.getAttribute("data-preview-url");
    var postal = form.querySelector("[name=postal_code]");
    var municipality = form.querySelector("[name=municipality_code]");
    var output = document.getElementById("county-preview");
    var timer = null;
    var lastQuery = "";

    var lookup = function () {
      var code = (postal.value || "").replace(/\s/g, "");
      var chosen = municipality.value;
      if (!chosen && code.length !== 5) { return; }
      var query = "postal_code=" + encodeURIComponent(code) + "&municipality_code=" + encodeURIComponent(chosen);
      if (query === lastQuery) { return; }
      lastQuery = query;
      fetch(url + "?" + query, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) { output.textContent = data.message || ""; })
        .catch(function () { /* the "Visa län" button still works */ });
    };
    var later = function () { window.clearTimeout(timer); timer = window.setTimeout(lookup, 300); };
    if (postal) { postal.addEventListener("input", later); }
    if (municipality) { municipality.addEventListener("change", lookup); }
  }
  // Move focus to the error summary so screen-reader and keyboard users start there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
