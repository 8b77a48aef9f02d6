// Keyboard shortcuts for the review station (progressive enhancement: every action also
// works with the mouse). An element with data-key="x" is clicked when "x" is pressed; a
// form field with data-key is focused instead. Keys typed inside fields are left alone.
(function () {
  "use strict";

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function overlay() { return document.getElementById("shortcuts"); }

  function toggleHelp(show) {
    var box = overlay();
    if (!box) return;
    box.hidden = show === undefined ? !box.hidden : !show;
  }

  // Queue: arrow keys move a selection over the rows, Enter opens the selected one.
  var submitting = false;  // one decision per page: a second key press would be stale

  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  var selected = rows.length ? 0 : -1;

  function select(i) {
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("selected", j === selected); });
    rows[selected].scrollIntoView({ block: "nearest" });
  }

  rows.forEach(function (row, i) {
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("a, button, input, select")) return;
      window.location.href = row.dataset.href;
    });
    row.addEventListener("mouseenter", function () { select(i); });
  });
  if (rows.length) select(0);

  document.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-close]") || ev.target === overlay()) toggleHelp(false);
    if (ev.target.closest('button[data-key="?"]')) { ev.preventDefault(); toggleHelp(); }
  });

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var target = ev.target;
    if (ev.key === "Escape") {
      toggleHelp(false);
      if (isTyping(target)) target.blur();
      return;
    }
    if (isTyping(target) || submitting) return;
    if (ev.key === "?") { ev.preventDefault(); toggleHelp(); return; }
    if (overlay() && !overlay().hidden) return;

    if (rows.length) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); select(selected + 1); return; }
      if (ev.key === "ArrowUp") { ev.preventDefault(); select(selected - 1); return; }
      // Enter on a focused link or button keeps its own meaning.
      if (ev.key === "Enter" && selected >= 0 && !target.closest("a, button")) {
        ev.preventDefault();
        window.location.href = rows[selected].dataset.href;
        return;
      }
    }

    if (ev.key.length !== 1) return;
    var el = document.querySelector('[data-key="' + CSS.escape(ev.key.toLowerCase()) + '"]');
    if (!el || el.disabled) return;
    ev.preventDefault();
    if (isTyping(el)) {
      el.focus();
      if (el.select) el.select();
    } else {
      if (el.form) { submitting = true; el.form.classList.add("busy"); }
      el.click();
    }
  }

  document.addEventListener("keydown", onKey);
  // Keys pressed while the page loaded (keyqueue.js held them), in order.
  if (window.buzonKeyQueue) window.buzonKeyQueue.drain().forEach(onKey);
  // The readiness signal: tests wait on it, never on visible text.
  document.documentElement.dataset.keys = "listo";
})();
