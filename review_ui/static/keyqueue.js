// Loaded first and synchronously: keys.js is deferred, so a key pressed while the page is
// still loading would be lost. Until keys.js binds its handlers this queues every key that
// is not typed into a field; keys.js then replays them in order. A TAOD who types fast right
// after a page load loses nothing.
(function () {
  "use strict";
  var queue = [];

  function isTyping(el) {
    var tag = el && el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
      !!(el && el.isContentEditable);
  }

  function early(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if (ev.key.length !== 1 && ["Enter", "Escape", "ArrowUp", "ArrowDown"].indexOf(ev.key) < 0) {
      return;  // Tab and the like keep their meaning
    }
    ev.preventDefault();
    ev.stopImmediatePropagation();
    queue.push({ key: ev.key, ctrlKey: false, metaKey: false, altKey: false,
                 target: ev.target, preventDefault: function () {} });
  }

  window.addEventListener("keydown", early, true);
  window.buzonKeyQueue = {
    // Stop queueing and hand over what was pressed so far (called once, by keys.js).
    drain: function () {
      window.removeEventListener("keydown", early, true);
      var pressed = queue;
      queue = [];
      return pressed;
    }
  };
})();
