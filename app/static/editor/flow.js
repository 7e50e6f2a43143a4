/* What the diagram editor and the decision table editor share: the page's data and texts, the
   status line, and the validate -> save draft -> publish flow with its dialogs. The page's own
   script says how to read its document (`BkEditor.document()`: a promise of the XML). */
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var dataNode = document.getElementById("editor-data");
  if (!root || !dataNode) {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var M = data.messages;
  var E = window.BkEditor = window.BkEditor || {};
  var state = { token: data.token, dirty: false, problems: data.problems || [], busy: false };
  E.data = data;
  E.state = state;
  E.root = root;

  function t(key, params) {
    var text = M[key] || key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }
  E.t = t;

  function byId(id) {
    return document.getElementById(id);
  }
  E.byId = byId;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else if (name.indexOf("on") === 0) {
        node.addEventListener(name.slice(2), value);
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }
  E.el = el;

  var statusNode = byId("editor-status");
  var alertNode = byId("editor-alert");

  function setStatus(text, kind) {
    statusNode.textContent = text;
    statusNode.setAttribute("data-kind", kind || "");
  }

  function showAlert(text) {
    alertNode.textContent = text || "";
    alertNode.hidden = !text;
  }
  E.showAlert = showAlert;

  E.markDirty = function () {
    if (!state.dirty) {
      state.dirty = true;
      setStatus(t("unsaved"), "dirty");
    }
  };

  /* ---------------------------------------------------------------- requests */

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": data.csrf
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return null;
      }).then(function (json) {
        return { status: response.status, json: json };
      });
    }, function () {
      return { status: 0, json: null };
    });
  }

  function refused(result) {
    if (result.status === 409 && result.json) {
      showConflict(result.json);
    } else if (result.status === 422 && result.json && result.json.problems) {
      E.showProblems(result.json.problems);
    } else if (result.status === 0) {
      showAlert(t("offline"));
    } else {
      showAlert(t("failed", { status: result.status }));
    }
  }

  function collect() {
    if (document.activeElement && document.activeElement.blur) {
      document.activeElement.blur();  // a field being edited commits on change
    }
    return E.document().then(function (xml) {
      return { xml: xml, forms: E.forms ? E.forms.texts() : {}, token: state.token };
    });
  }

  function guarded(run) {
    if (state.busy) {
      return Promise.resolve(null);
    }
    state.busy = true;
    root.setAttribute("aria-busy", "true");
    showAlert("");
    return run().then(function (value) {
      state.busy = false;
      root.removeAttribute("aria-busy");
      return value;
    }, function (error) {
      state.busy = false;
      root.removeAttribute("aria-busy");
      showAlert(t("failed", { status: error && error.message ? error.message : "?" }));
      return null;
    });
  }

  function saveNow(options) {
    setStatus(t("saving"), "busy");
    return collect().then(function (body) {
      body.rebase = Boolean(options && options.rebase);
      return post(data.urls.save, body);
    }).then(function (result) {
      if (result.status !== 200) {
        setStatus(t("unsaved"), "dirty");
        refused(result);
        return null;
      }
      state.token = result.json.token;
      state.dirty = false;
      E.showProblems(result.json.problems);
      setStatus(result.json.publishable ? t("saved") : t("savedWithProblems"),
        result.json.publishable ? "ok" : "warn");
      root.setAttribute("data-token", state.token);
      return result.json;
    });
  }

  E.save = function (options) {
    return guarded(function () {
      return saveNow(options);
    });
  };

  E.check = function () {
    return guarded(function () {
      setStatus(t("checking"), "busy");
      return collect().then(function (body) {
        return post(data.urls.check, body);
      }).then(function (result) {
        setStatus(state.dirty ? t("unsaved") : "", state.dirty ? "dirty" : "");
        if (result.status !== 200) {
          refused(result);
          return null;
        }
        E.showProblems(result.json.problems);
        return result.json.problems;
      });
    });
  };

  E.publish = function (note) {
    return guarded(function () {
      return saveNow().then(function (saved) {
        if (!saved) {
          return null;
        }
        if (!saved.publishable) {
          setStatus(t("publishRefused"), "warn");
          return null;
        }
        setStatus(t("publishing"), "busy");
        return post(data.urls.publish, { token: state.token, note: note }).then(function (result) {
          if (result.status !== 200) {
            setStatus(t("publishRefused"), "warn");
            refused(result);
            return null;
          }
          state.dirty = false;
          window.location.assign(result.json.url);
          return result.json;
        });
      });
    });
  };

  /* ---------------------------------------------------------------- dialogs */

  var publishDialog = byId("publish-dialog");
  var conflictDialog = byId("conflict-dialog");

  function showConflict(json) {
    byId("conflict-message").textContent = json.message || "";
    byId("conflict-rebase").hidden = json.error !== "behind";
    byId("conflict-compare").hidden = json.error !== "behind";
    conflictDialog.setAttribute("data-kind", json.error || "conflict");
    if (conflictDialog.showModal) {
      conflictDialog.showModal();
    } else {
      conflictDialog.setAttribute("open", "");
    }
  }

  function download() {
    E.document().then(function (xml) {
      var blob = new Blob([xml], { type: "application/xml" });
      var suffix = data.fileSuffix || "bpmn";
      var link = el("a", { href: URL.createObjectURL(blob), download: data.processKey + "_edited." + suffix });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
        link.remove();
      }, 1000);
    });
  }

  byId("btn-check").addEventListener("click", function () {
    E.check();
  });
  byId("btn-save").addEventListener("click", function () {
    E.save();
  });
  byId("btn-download").addEventListener("click", download);
  byId("btn-publish").addEventListener("click", function () {
    byId("publish-note").value = "";
    publishDialog.showModal();
  });
  byId("publish-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var note = byId("publish-note").value.trim();
    publishDialog.close();
    E.publish(note);
  });
  byId("publish-cancel").addEventListener("click", function () {
    publishDialog.close();
  });
  byId("conflict-download").addEventListener("click", download);
  byId("conflict-reload").addEventListener("click", function () {
    state.dirty = false;
    window.location.reload();
  });
  byId("conflict-rebase").addEventListener("click", function () {
    conflictDialog.close();
    E.save({ rebase: true });
  });
  byId("conflict-close").addEventListener("click", function () {
    conflictDialog.close();
  });

  window.addEventListener("beforeunload", function (event) {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = t("leave");
    }
  });

  // bpmn-js and dmn-js speak English; their palettes, menus and popups speak the owner's language instead.
  E.translation = function (texts) {
    return {
      translate: ["value", function (template, replacements) {
        var text = Object.prototype.hasOwnProperty.call(texts, template) ? texts[template] : template;
        return text.replace(/{([^}]+)}/g, function (whole, key) {
          return replacements && replacements[key] !== undefined ? replacements[key] : whole;
        });
      }]
    };
  };
})();
