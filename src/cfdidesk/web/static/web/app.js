/* CFDI Desk: the little behaviour the pages need, kept out of the HTML so that the
   Content-Security-Policy can forbid every inline script, handler and style.
   - data-width="42.5": the element's width in percent (bars, progress, meters);
   - data-autosubmit: a select that submits its form when changed (language);
   - data-confirm="¿…?": a form that asks before it is sent (deletions). */
(function () {
  "use strict";

  function widths(root) {
    if (!root || !root.querySelectorAll) return;
    var nodes = root.querySelectorAll("[data-width]");
    for (var i = 0; i < nodes.length; i++) {
      var value = parseFloat(nodes[i].getAttribute("data-width"));
      if (!isNaN(value)) nodes[i].style.width = Math.max(0, Math.min(100, value)) + "%";
    }
  }

  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  // htmx fires htmx:load on every piece of content it swaps in.
  document.addEventListener("htmx:load", function (event) { widths(event.target); });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();
