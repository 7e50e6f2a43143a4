/* The case page's diagram: the pinned bpmn-js viewer draws the version the case runs on,
   and markers show the steps already passed and the current one. */
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container) {
    return;
  }

  function fail() {
    container.setAttribute("data-state", "error");
    var note = document.createElement("p");
    note.className = "diagram__error";
    note.textContent = container.getAttribute("data-error-text");
    container.appendChild(note);
  }

  if (typeof window.BpmnJS !== "function") {
    fail();
    return;
  }

  var done = JSON.parse(container.getAttribute("data-done") || "[]");
  var current = JSON.parse(container.getAttribute("data-current") || "[]");
  var viewer = new window.BpmnJS({ container: container });

  fetch(container.getAttribute("data-xml-url"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (xml) {
      return viewer.importXML(xml);
    })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      done.forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, "bk-done");
        }
      });
      current.forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, "bk-current");
        }
      });
      canvas.zoom("fit-viewport", "auto");
      container.setAttribute("data-state", "ready");
    })
    .catch(fail);
})();
