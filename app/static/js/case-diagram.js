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

  var READABLE = 0.8;
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
      if (canvas.zoom() < READABLE) {
        // A wide diagram fitted whole is too small to read: show the current step at a readable
        // size instead (the rest is a drag or a wheel away).
        var focus = registry.get(current[0]) || registry.get(done[done.length - 1]);
        canvas.zoom(READABLE);
        if (focus) {
          canvas.scrollToElement(focus, { top: 80, bottom: 80, left: 160, right: 160 });
        }
      }
      container.setAttribute("data-state", "ready");
    })
    .catch(fail);
})();
