// Upload progress: polls the jobs' state while any runs and shows it where
// #upload-progress is on the page (the queue and the upload page).
(function () {
  "use strict";
  var box = document.getElementById("upload-progress");
  if (!box) return;
  var names = { en_cola: "en cola", trabajando: "procesando", terminado: "terminado", error: "error" };
  function render(jobs) {
    if (!jobs.length) return;
    box.textContent = "";
    jobs.forEach(function (j) {
      var p = document.createElement("p");
      p.className = "job job-" + j.estado;
      var text = j.inicio + " · " + j.total + " archivo(s) · " + (names[j.estado] || j.estado);
      if (j.estado === "trabajando") text += " (" + j.hechos + " de " + j.total + ")";
      if (j.resultado && j.resultado.documentos !== undefined) {
        text += " · " + j.resultado.documentos + " documento(s), " + j.resultado.cuarentena + " en cuarentena";
      }
      if (j.mensaje) text += " · " + j.mensaje;
      p.textContent = text;
      box.appendChild(p);
    });
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        render(data.trabajos);
        var busy = data.trabajos.some(function (j) { return j.estado === "en_cola" || j.estado === "trabajando"; });
        if (busy) window.setTimeout(poll, 2000);
      })
      .catch(function () { /* offline: the next page load shows the state */ });
  }
  poll();
})();
