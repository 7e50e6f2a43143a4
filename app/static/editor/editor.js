/* The process diagram editor: the pinned bpmn-js Modeler with the product's extension
   descriptor, its tabs and the problems outlined in the diagram. Checking, saving and publishing
   are flow.js's; the side panel (panel.js) and the forms tab (forms.js) plug into `window.BkEditor`. */
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var E = window.BkEditor;
  if (!root || !E || !E.data) {
    return;
  }
  var data = E.data;
  var state = E.state;
  var t = E.t;
  var el = E.el;
  var byId = E.byId;

  E.document = function () {
    return E.modeler.saveXML({ format: true }).then(function (result) {
      return result.xml;
    });
  };

  /* ---------------------------------------------------------------- tabs */

  var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
  E.showTab = function (name) {
    tabs.forEach(function (tab) {
      var on = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      byId(tab.getAttribute("aria-controls")).hidden = !on;
    });
    if (name === "diagram" && E.modeler) {
      E.modeler.get("canvas").resized();
    }
  };
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () {
      E.showTab(tab.getAttribute("data-tab"));
    });
  });

  /* ---------------------------------------------------------------- start */

  /* Wide diagrams shrink to unreadable sizes when fitted whole: fit the height instead and start
     at the left (where the process starts), leaving room for the palette. */
  function openView(canvas) {
    canvas.zoom("fit-viewport", "auto");
    var box = canvas.viewbox();
    var inner = box.inner;
    var outer = box.outer;
    var zoom = Math.min(1, Math.max(0.42, (outer.height - 40) / inner.height));
    if (zoom <= box.scale) {
      return;
    }
    var left = 110 / zoom;
    canvas.viewbox({
      x: inner.x - left,
      y: inner.y - 12 / zoom,
      width: outer.width / zoom,
      height: outer.height / zoom
    });
  }

  function failed(reason) {
    root.setAttribute("data-state", "error");
    E.showAlert(t("loadFailed") + (reason ? " (" + reason + ")" : ""));
  }

  if (typeof window.BpmnJS !== "function") {
    failed("bpmn-js");
    return;
  }

  fetch(data.urls.moddle, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }).then(function (descriptor) {
    E.modeler = new window.BpmnJS({
      container: byId("canvas"),
      additionalModules: [E.translation(data.modelerTexts || {})],
      moddleExtensions: { spiffworkflow: descriptor }
    });
    return E.modeler.importXML(data.xml);
  }).then(function (result) {
    var unknown = (result.warnings || []).map(function (warning) {
      return warning.message;
    });
    var warningNode = byId("editor-unknown");
    if (unknown.length) {
      warningNode.hidden = false;
      warningNode.querySelector("ul").replaceChildren.apply(
        warningNode.querySelector("ul"),
        unknown.slice(0, 10).map(function (text) {
          return el("li", { text: text });
        })
      );
    }
    var canvas = E.modeler.get("canvas");
    openView(canvas);
    E.modeler.on("commandStack.changed", E.markDirty);
    E.forms.init();
    E.panel.init();
    E.showProblems(state.problems);
    root.setAttribute("data-state", "ready");
  }).catch(function (error) {
    failed(error && error.message);
  });
})();
