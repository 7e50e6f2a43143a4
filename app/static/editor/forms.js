/* The editor's forms tab: each form's JSON Schema as text, checked while typing, with a preview
   drawn by the server's own form renderer. The texts travel with every check and save. */
(function () {
  "use strict";
  var E = window.BkEditor = window.BkEditor || {};
  var KEY = /^[a-z][a-z0-9_]{0,63}$/;
  var TEMPLATE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "x-title": { "kk": "", "ru": "", "en": "" },
    "properties": {
      "comment": { "type": "string", "maxLength": 2000, "x-widget": "textarea", "x-title": { "kk": "Түсініктеме", "ru": "Комментарий", "en": "Comment" } }
    },
    "required": [],
    "additionalProperties": false
  };

  var texts = {};
  var current = null;
  var previewTimer = null;
  var previewSeq = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function pretty(schema) {
    return JSON.stringify(schema, null, 2);
  }

  function parse(text) {
    try {
      var value = JSON.parse(text);
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        return { error: "{}" };
      }
      return { value: value };
    } catch (error) {
      return { error: error.message };
    }
  }

  function titleOf(schema) {
    var title = schema["x-title"];
    if (title && typeof title === "object") {
      return title[E.data.locale] || title.kk || "";
    }
    return typeof title === "string" ? title : "";
  }

  /* Which steps name a form: read from the diagram, so it follows every edit. */
  function usage() {
    var found = {};
    if (!E.modeler) {
      return found;
    }
    E.modeler.get("elementRegistry").forEach(function (element) {
      var bo = element.businessObject;
      if (!bo || element.type === "label") {
        return;
      }
      var form = E.ext.getProp(bo, "form");
      if (form) {
        (found[form] = found[form] || []).push((bo.name || bo.id).trim());
      }
    });
    return found;
  }

  function renderList() {
    var list = byId("form-list");
    var used = usage();
    list.textContent = "";
    Object.keys(texts).sort().forEach(function (key) {
      var parsed = parse(texts[key]);
      var bad = Boolean(parsed.error);
      var title = (parsed.value && titleOf(parsed.value)) || E.data.formTitles[key] || "";
      var button = E.el("button", {
        type: "button",
        className: "form-item" + (key === current ? " is-current" : "") + (bad ? " is-bad" : ""),
        "aria-current": key === current ? "true" : null,
        "data-form": key,
        onclick: function () {
          open(key);
        }
      }, [
        E.el("code", { text: key }),
        title ? E.el("span", { className: "form-item__title", text: title }) : null,
        E.el("span", { className: "form-item__use", text: used[key] ? String(used[key].length) : "–" })
      ]);
      list.appendChild(E.el("li", {}, [button]));
    });
    byId("forms-count").textContent = String(Object.keys(texts).length);
  }

  function showStatus(key) {
    var status = byId("form-status");
    var result = parse(texts[key]);
    if (result.error) {
      status.textContent = E.t("formJsonError", { detail: result.error });
      status.setAttribute("data-kind", "bad");
    } else {
      status.textContent = "";
      status.setAttribute("data-kind", "ok");
    }
    var used = usage()[key];
    byId("form-usage").textContent = used ? E.t("formUsedBy", { steps: used.join(", ") }) : E.t("formUnused");
    return !result.error;
  }

  function preview(key) {
    var seq = ++previewSeq;
    var target = byId("form-preview");
    fetch(E.data.urls.preview, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": E.data.csrf },
      body: JSON.stringify({ key: key, text: texts[key] })
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (json) {
      if (seq !== previewSeq) {
        return;
      }
      var status = byId("form-status");
      if (json.problems.length) {
        status.textContent = json.problems.map(function (p) {
          return p.text;
        }).join(" ");
        status.setAttribute("data-kind", "bad");
      } else {
        status.textContent = E.t("formValid");
        status.setAttribute("data-kind", "ok");
      }
      // The server's own renderer drew this fragment from the schema; it holds no scripts.
      target.innerHTML = json.html;
    }).catch(function () {
      if (seq === previewSeq) {
        target.textContent = E.t("previewFailed");
      }
    });
  }

  function open(key) {
    if (!Object.prototype.hasOwnProperty.call(texts, key)) {
      return;
    }
    current = key;
    byId("form-editor").hidden = false;
    byId("form-empty").hidden = true;
    byId("form-name").textContent = key;
    var area = byId("form-text");
    area.value = texts[key];
    renderList();
    if (showStatus(key)) {
      preview(key);
    } else {
      byId("form-preview").textContent = "";
    }
  }

  function add(key, text) {
    texts[key] = text;
    renderList();
    E.markDirty();
  }

  function remove(key) {
    delete texts[key];
    current = null;
    byId("form-editor").hidden = true;
    byId("form-empty").hidden = false;
    renderList();
    E.markDirty();
  }

  E.forms = {
    init: function () {
      Object.keys(E.data.forms).forEach(function (key) {
        texts[key] = E.data.forms[key];
      });
      byId("form-text").addEventListener("input", function (event) {
        if (current === null) {
          return;
        }
        texts[current] = event.target.value;
        E.markDirty();
        renderList();
        clearTimeout(previewTimer);
        if (showStatus(current)) {
          previewTimer = setTimeout(function () {
            preview(current);
          }, 500);
        }
      });
      byId("form-remove").addEventListener("click", function () {
        if (current !== null && window.confirm(E.t("confirmRemoveForm"))) {
          remove(current);
        }
      });
      byId("form-new").addEventListener("submit", function (event) {
        event.preventDefault();
        var input = byId("form-new-key");
        var key = input.value.trim();
        var hint = byId("form-new-hint");
        if (!KEY.test(key)) {
          hint.textContent = E.t("formKeyInvalid");
          return;
        }
        if (Object.prototype.hasOwnProperty.call(texts, key)) {
          hint.textContent = E.t("formKeyTaken");
          return;
        }
        hint.textContent = "";
        input.value = "";
        add(key, pretty(TEMPLATE));
        open(key);
      });
      renderList();
      var first = Object.keys(texts).sort()[0];
      if (first) {
        open(first);
      }
    },
    texts: function () {
      return Object.assign({}, texts);
    },
    keys: function () {
      return Object.keys(texts).sort();
    },
    has: function (key) {
      return Object.prototype.hasOwnProperty.call(texts, key);
    },
    add: add,
    open: open,
    title: function (key) {
      var parsed = Object.prototype.hasOwnProperty.call(texts, key) ? parse(texts[key]) : {};
      return (parsed.value && titleOf(parsed.value)) || E.data.formTitles[key] || "";
    },
    refresh: renderList
  };
})();
