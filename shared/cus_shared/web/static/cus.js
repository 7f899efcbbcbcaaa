// Small progressive enhancements; every page works without scripts.
(function () {
  "use strict";
  function focusFirstProblem(root) {
    // Move the focus to the error summary so that screen readers announce it first.
    var target = (root || document).querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusFirstProblem(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusFirstProblem(event.target); });
})();
