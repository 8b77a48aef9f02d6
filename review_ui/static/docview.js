// Document view: zoom and pan of the page images, and live checks of the edited data
// (the server validates again; this only warns while typing).
(function () {
  "use strict";
  var zooms = Array.prototype.slice.call(document.querySelectorAll(".zoom"));
  var scale = 1;

  function apply() {
    zooms.forEach(function (z) {
      var svg = z.querySelector("svg");
      if (svg) svg.style.width = (scale * 100) + "%";  // CSSOM: allowed by the CSP
    });
  }

  function isTyping(el) {
    var tag = el && el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (ev) {
    if (!zooms.length || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if (ev.key === "+" || ev.key === "=") { scale = Math.min(4, scale * 1.25); }
    else if (ev.key === "-") { scale = Math.max(1, scale / 1.25); }
    else if (ev.key === "0") { scale = 1; }
    else return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    apply();
  }, true);

  zooms.forEach(function (z) {
    var start = null;
    z.addEventListener("mousedown", function (ev) {
      start = { x: ev.clientX, y: ev.clientY, left: z.scrollLeft, top: z.scrollTop };
      ev.preventDefault();
    });
    window.addEventListener("mouseup", function () { start = null; });
    window.addEventListener("mousemove", function (ev) {
      if (!start) return;
      z.scrollLeft = start.left - (ev.clientX - start.x);
      z.scrollTop = start.top - (ev.clientY - start.y);
    });
    z.addEventListener("wheel", function (ev) {
      if (!ev.ctrlKey) return;
      ev.preventDefault();
      scale = ev.deltaY < 0 ? Math.min(4, scale * 1.1) : Math.max(1, scale / 1.1);
      apply();
    }, { passive: false });
  });

  // NSS: 11 digits, the last a Luhn check digit over the first ten.
  function nssOk(v) {
    var d = v.replace(/[\s.-]/g, "");
    if (!/^\d{11}$/.test(d)) return false;
    var sum = 0;
    for (var i = 0; i < 10; i++) {
      var n = +d[i] * (i % 2 ? 2 : 1);
      sum += n > 9 ? n - 9 : n;
    }
    return (10 - (sum % 10)) % 10 === +d[10];
  }
  var checks = {
    nss: [nssOk, "El NSS debe tener 11 dígitos y un dígito verificador válido."],
    telefono: [function (v) { return /^(\+?52)?\d{10}$/.test(v.replace(/[\s().-]/g, "")); },
               "El teléfono debe tener 10 dígitos (puede empezar con +52)."],
    correo: [function (v) { return /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v); },
             "El correo electrónico no es válido (ejemplo: nombre@dominio.mx)."],
    curp: [function (v) { return /^[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z\d]\d$/i.test(v); },
           "La CURP no es válida (18 caracteres)."]
  };
  Array.prototype.slice.call(document.querySelectorAll("input[data-validate]")).forEach(function (input) {
    var rule = checks[input.dataset.validate];
    var note = input.parentNode.querySelector(".field-error.live");
    if (!rule || !note) return;
    input.addEventListener("input", function () {
      var v = input.value.trim();
      var bad = v !== "" && !rule[0](v);
      note.hidden = !bad;
      note.textContent = bad ? rule[1] : "";
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    });
  });
})();
