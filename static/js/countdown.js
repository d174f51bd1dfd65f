/* Progressive enhancement: keep "time left" texts current without a reload.
 * The server renders the exact working time left (data-left, seconds) and until when the
 * working-day clock runs uninterrupted (data-runs-until on <body>'s countdown root). We only
 * count down inside that window, so the countdown never runs through a weekend or holiday.
 * The regions are aria-live="off": screen readers are not interrupted every 30 seconds. */
(function () {
  "use strict";
  var root = document.querySelector("[data-countdown-root]");
  if (!root) { return; }
  var loaded = Date.now();
  var leftLabel = root.getAttribute("data-label-left") || "%s";
  var overdueLabel = root.getAttribute("data-label-overdue") || "-%s";

  function duration(seconds) {
    var s = Math.abs(Math.trunc(seconds));
    var hours = Math.floor(s / 3600);
    var minutes = Math.floor((s % 3600) / 60);
    var mm = (minutes < 10 ? "0" : "") + minutes;
    return hours ? hours + " h " + mm + " min" : minutes + " min";
  }

  function update() {
    var runsUntil = root.getAttribute("data-runs-until");
    var stopAt = runsUntil ? Date.parse(runsUntil) : loaded;
    var elapsed = (Math.min(Date.now(), stopAt) - loaded) / 1000;
    if (elapsed < 0) { elapsed = 0; }
    var items = document.querySelectorAll("[data-left]");
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var left = parseInt(el.getAttribute("data-left"), 10) - elapsed;
      var text = left > 0 ? leftLabel.replace("%s", duration(left)) : overdueLabel.replace("%s", duration(left));
      var target = el.querySelector("[data-left-text]") || el;
      if (target.textContent !== text) { target.textContent = text; }
      el.classList.toggle("is-overdue", left <= 0);
    }
  }

  window.setInterval(update, 30000);
})();
