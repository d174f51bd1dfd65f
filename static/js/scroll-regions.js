/* A table box that scrolls sideways (.table-wrap, .table-scroll) must be reachable by keyboard
   so that arrow keys can scroll it (WCAG 2.1.1; axe "scrollable-region-focusable"). Only boxes
   that really scroll at the current width get a tab stop, named by their table's caption; the
   others stay out of the tab order. Re-checked when the window is resized or zoomed. */
(function () {
  "use strict";
  var MARK = "data-scroll-region";
  function update() {
    var boxes = document.querySelectorAll(".table-wrap, .table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var ours = box.hasAttribute(MARK);
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute(MARK, "");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute(MARK);
      }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 100);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
