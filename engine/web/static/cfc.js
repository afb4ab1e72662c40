// cfc serve: the page's only script. It sends the form to /api/evaluate as the person types and shows the
// result; it saves to /api/history and shows the saved periods; on a board's table it sorts and filters.
// Every value from the server or the person is written with textContent, never as HTML.
"use strict";

(function () {
  const DEBOUNCE_MS = 120;
  const lang = document.documentElement.lang === "en" ? "en" : "vi";
  const query = "?lang=" + lang;
  const stringsNode = document.getElementById("cfc-strings");
  const S = stringsNode ? JSON.parse(stringsNode.textContent) : {};

  function say(key, params) {
    return (S[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function fill(list, items) {
    list.replaceChildren.apply(list, items);
    const box = list.closest("section");
    if (box) box.hidden = items.length === 0;
  }

  // ------------------------------------------------------------------ the self-check form

  const form = document.getElementById("unit-form");
  if (form) setUpForm(form);

  // The unit's inputs only: the document details (doc_*) travel with the downloads, and the province server's
  // hidden fields (_csrf, _version) with its own forms, not to the evaluation.
  function formInputs() {
    const inputs = {};
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf("doc_") !== 0 && name.charAt(0) !== "_") inputs[name] = value;
    });
    return inputs;
  }

  // On the province server every request that posts carries the session's CSRF token (absent on the local page).
  function jsonHeaders() {
    const csrfMeta = document.querySelector('meta[name="csrf-token"]');
    const headers = {"Content-Type": "application/json"};
    if (csrfMeta) headers["X-CSRF-Token"] = csrfMeta.content;
    return headers;
  }

  // Input names as officials know them: their labels on the form (the names are shown only when asked for).
  const labels = {};
  document.querySelectorAll("[data-label]").forEach(function (node) { labels[node.name] = node.dataset.label; });
  const labelPattern = Object.keys(labels).length ? new RegExp("(^|[^\\w])(" + Object.keys(labels)
    .sort(function (a, b) { return b.length - a.length; }).join("|") + ")(?![\\w])", "g") : null;

  function labelled(text) {
    return labelPattern ? text.replace(labelPattern, function (whole, before, name) {
      return before + labels[name];
    }) : text;
  }

  function anyValue(inputs) {
    return Object.keys(inputs).some(function (name) { return inputs[name] !== ""; });
  }

  // Labels that follow the period (issue 22): a unit after the 1 July 2025 reform has no district, and its field
  // says what it holds now ("Khu vực", with what that means below it). The server words them for the period
  // typed (GET /api/labels); the page was rendered for the period it opened with. A period locked by the
  // province server's file never changes here.
  const periodField = document.getElementById("in-period");
  if (form && periodField && !periodField.readOnly) {
    let labelledFor = periodField.value.trim();
    let relabelTimer = null;
    const relabel = function () {
      const period = periodField.value.trim();
      if (period === labelledFor) return;
      labelledFor = period;
      fetch("/api/labels" + query + "&period=" + encodeURIComponent(period)).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer || periodField.value.trim() !== period) return;  // another period has been typed since
        Object.keys(answer.fields).forEach(function (name) {
          const box = document.getElementById("field-" + name);
          const input = document.getElementById("in-" + name);
          if (!box || !input) return;
          box.querySelector(".label-text").textContent = answer.fields[name].label;
          box.querySelector(".help-text").textContent = answer.fields[name].help;
          input.dataset.label = answer.fields[name].label;
          labels[name] = answer.fields[name].label;  // messages naming the field name it so too
        });
        document.body.dataset.periodLabels = answer.after_reform ? "after" : "before";
      }).catch(function () { labelledFor = null; });
    };
    periodField.addEventListener("input", function () {
      clearTimeout(relabelTimer);
      relabelTimer = setTimeout(relabel, DEBOUNCE_MS);
    });
    periodField.addEventListener("change", relabel);
  }

  function setUpForm() {
    let timer = null;
    let pending = null;
    let shownHistoryFor = null;

    function evaluate() {
      const inputs = formInputs();
      if (pending) pending.abort();
      if (!anyValue(inputs)) { showNothing(); return; }
      pending = new AbortController();
      fetch("/api/evaluate" + query + "&detail=1", {  // the page shows every sentence: --detail's object
        method: "POST", headers: jsonHeaders(),
        body: JSON.stringify(inputs), signal: pending.signal,
      }).then(function (response) {
        return response.status === 200 || response.status === 422 ? response.json() : null;
      }).then(function (unit) {
        if (!unit) return;
        show(unit);
        if (unit.unit_code && unit.unit_code !== shownHistoryFor && document.getElementById("history")) {
          shownHistoryFor = unit.unit_code;
          loadHistory(unit.unit_code);
        }
        document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
        document.dispatchEvent(new CustomEvent("cfc:updated"));
      }).catch(function (error) {
        if (error.name !== "AbortError") throw error;
      });
    }

    function later(event) {
      if (event.target.dataset && event.target.dataset.doc) return;  // a document detail: nothing to score
      clearTimeout(timer);
      timer = setTimeout(evaluate, DEBOUNCE_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Enter in a field must not download a document: only the download buttons submit the form.
    form.addEventListener("submit", function (event) {
      if (!event.submitter) event.preventDefault();
    });
    // The local page's Save (the province server's form has its own buttons, plain form posts).
    if (document.getElementById("save")) {
      document.getElementById("save").addEventListener("click", function () { save(false); });
      document.getElementById("confirm-yes").addEventListener("click", function () { save(true); });
      document.getElementById("confirm-no").addEventListener("click", function () {
        document.getElementById("confirm").hidden = true;
      });
    }
    if (anyValue(formInputs())) evaluate();
  }

  // ------------------------------------------------------------------ asked-for details, remembered here

  // Technical names (the CSV column headers) only for the person who asks for them.
  const namesToggle = document.getElementById("show-names");
  if (namesToggle) {
    namesToggle.checked = remembered("cfc-show-names") === "1";
    document.body.classList.toggle("show-names", namesToggle.checked);
    namesToggle.addEventListener("change", function () {
      document.body.classList.toggle("show-names", namesToggle.checked);
      remember("cfc-show-names", namesToggle.checked ? "1" : "");
    });
  }

  // The document details (recipient, signer, place) a person typed once are offered again on the next visit,
  // unless the server's configuration fills them.
  const docFields = document.querySelectorAll("[data-doc]");
  docFields.forEach(function (field) {
    const key = "cfc-doc-" + field.dataset.doc;
    if (!field.value && remembered(key)) field.value = remembered(key);
    field.addEventListener("change", function () { remember(key, field.value); countBlanks(); });
  });
  countBlanks();

  // "— còn 2 ô để trống": the fields that would print as a bracketed blank (those that have one).
  function countBlanks() {
    const shown = document.getElementById("doc-blanks");
    if (!shown) return;
    const blanks = Array.prototype.filter.call(docFields, function (field) {
      return field.placeholder && !field.value.trim();
    }).length;
    shown.textContent = blanks ? say("web_doc_blanks", {count: blanks}) : "";
  }

  function remembered(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (error) { return ""; }
  }

  function remember(key, value) {
    try {
      if (value) window.localStorage.setItem(key, value); else window.localStorage.removeItem(key);
    } catch (error) { /* storage refused (private window): the page works without it */ }
  }

  // Every field emptied: back to the page as it first opened, not the last result.
  function showNothing() {
    document.getElementById("decision").className = "decision status-none";
    document.getElementById("status-label").textContent = say("web_waiting");
    ["total", "threshold"].forEach(function (id) { document.getElementById(id).textContent = ""; });
    document.querySelectorAll("#criteria-table tr").forEach(function (row) {
      row.className = "";
      row.querySelector(".fill").style.width = "0";
      row.querySelector(".points").textContent = "—/" + row.dataset.max;
    });
    showFieldErrors([]);
    ["reasons", "gaps", "errors"].forEach(function (id) { fill(document.getElementById(id), []); });
    showPlan(null);
    document.getElementById("provisional").hidden = true;
    document.getElementById("total-note").hidden = true;
    showBar(null);
  }

  // The compact bar a phone keeps in view: decision, total against the threshold, what is missing.
  function showBar(unit) {
    const bar = document.getElementById("result-bar");
    if (!bar) return;
    const status = document.getElementById("bar-status");
    const total = document.getElementById("bar-total");
    const missing = document.getElementById("bar-missing");
    if (!unit) {
      bar.className = "result-bar status-none";
      status.textContent = say("web_waiting");
      total.textContent = missing.textContent = "";
      return;
    }
    bar.className = "result-bar status-" + unit.status;
    status.textContent = say("status_" + unit.status);
    const decided = unit.status === "recognized" || unit.status === "not_recognized";
    // A sum over incomplete or invalid data is not a score: the bar shows none.
    total.textContent = decided && unit.threshold !== null
      ? say("web_bar_total", {total: unit.total, threshold: unit.threshold}) : "";
    const zeros = unit.criteria.filter(function (c) { return c.complete && c.points === 0; })
      .map(function (c) { return c.number; });
    let short = "";
    if (unit.status === "incomplete") short = say("web_bar_missing", {count: unit.missing_inputs.length});
    else if (unit.status === "invalid") short = say("web_bar_invalid", {count: (unit.error_details || []).length});
    else if (unit.shortfall) short = say("web_bar_short", {points: unit.shortfall});
    else if (zeros.length) short = say("web_bar_zero", {criteria: zeros.join(", ")});
    missing.textContent = short;
  }

  function show(unit) {
    const decided = unit.status === "recognized" || unit.status === "not_recognized";
    const decision = document.getElementById("decision");
    decision.className = "decision status-" + unit.status;
    document.getElementById("status-label").textContent = say("status_" + unit.status);
    document.getElementById("total").textContent =
      (decided ? unit.total : "(" + unit.total + ")") + "/" + unit.max_total + " " + say("web_points");
    document.getElementById("total-note").hidden = decided;  // what a total in brackets means
    showBar(unit);
    // The provisional mark the note below promises: on every criterion and gap scored on a provisional band.
    const provisionalIds = {};
    (unit.provisional || []).forEach(function (use) { provisionalIds[use.indicator] = true; });
    document.getElementById("threshold").textContent = unit.threshold === null
      ? say("web_no_threshold") : say("web_threshold", {threshold: unit.threshold});

    unit.criteria.forEach(function (criterion) {
      const row = document.getElementById("criterion-" + criterion.number);
      if (!row) return;
      const points = document.getElementById("points-" + criterion.number);
      const marked = (criterion.indicators || []).some(function (ind) { return provisionalIds[ind.id]; });
      points.textContent = (criterion.complete ? criterion.points : "—") + (marked ? "*" : "") + "/" +
        criterion.max_points;
      row.className = !criterion.complete ? "unscored" : criterion.met ? "met" : "unmet";
      row.title = criterion.complete ? "" : say("web_unscored");
      const share = criterion.max_points ? criterion.points / criterion.max_points : 0;
      row.querySelector(".fill").style.width = Math.round(100 * share) + "%";
    });

    showFieldErrors(unit.error_details || []);
    fill(document.getElementById("reasons"), unit.reasons
      .filter(function (r) { return r.code !== "invalid"; })
      .map(function (r) { return el("li", r.message); }));
    fill(document.getElementById("gaps"), unit.gaps.map(function (gap) {
      const mark = gap.status === "provisional" ? "*" : "";
      const item = el("li", "[" + gap.indicator + mark + "] " + gap.message);
      if (gap.flips_decision) item.appendChild(el("strong", " " + say("flips"), "flips"));
      item.dataset.indicator = gap.indicator;
      return item;
    }));
    showPlan(unit.plan);
    const provisional = document.getElementById("provisional");
    provisional.hidden = !unit.provisional.length;
    provisional.textContent = say("provisional_note", {count: unit.provisional.length});
  }

  function showFieldErrors(details) {
    form.querySelectorAll(".field-error").forEach(function (node) {
      node.hidden = true;
      node.textContent = "";
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    const general = [];
    details.forEach(function (detail) {
      const slot = detail.input && document.getElementById("error-" + detail.input);
      const message = labelled(detail.message);  // "Số trẻ em sinh ra = '98,5': ...", not "births = ..."
      if (!slot) { general.push(el("li", message)); return; }
      slot.textContent = slot.textContent ? slot.textContent + "; " + message : message;
      slot.hidden = false;
      const field = document.getElementById("in-" + detail.input);
      if (field) field.setAttribute("aria-invalid", "true");
    });
    fill(document.getElementById("errors"), general);
  }

  function showPlan(plan) {
    const box = document.getElementById("plan-box");
    if (!plan) { box.hidden = true; return; }
    box.hidden = !(plan.changes.length || plan.blocked_by.length);
    document.getElementById("plan-summary").textContent =
      plan.reaches_recognition ? say("web_plan_reaches") : say("web_plan_short");
    const changes = document.getElementById("plan-changes");
    changes.replaceChildren.apply(changes, plan.changes.map(function (change) {
      return el("li", say("web_plan_change", {label: change.label, from_: shown(change.from), to: shown(change.to),
                                              points: change.points, criterion: change.criterion}));
    }));
    const blocked = document.getElementById("plan-blocked");
    blocked.replaceChildren.apply(blocked, plan.blocked_by.length
      ? [el("li", say("web_plan_blocked"), "blocked-title")].concat(plan.blocked_by.map(function (block) {
          return el("li", block.reason);
        }))
      : []);
  }

  function shown(value) {
    if (value === true) return say("web_yes");
    if (value === false) return say("web_no");
    return value;
  }

  // ------------------------------------------------------------------ saving and the saved periods

  function save(replace) {
    const message = document.getElementById("save-message");
    const confirmBox = document.getElementById("confirm");
    fetch("/api/history" + query, {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({inputs: formInputs(), replace: replace}),
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      confirmBox.hidden = answer.status !== 409;
      if (answer.status === 409) {
        document.getElementById("confirm-text").textContent = answer.body.error;
        message.textContent = "";
        return;
      }
      message.textContent = answer.body.message || answer.body.error;
      message.className = answer.status === 201 ? "ok" : "error";
      if (answer.status === 201) loadHistory(answer.body.unit_code);
    });
  }

  function loadHistory(unitCode) {
    fetch("/api/history/" + encodeURIComponent(unitCode) + query)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (history) { if (history) showHistory(history); });
  }

  function signed(change) {
    return change === null || change === 0 ? "" : (change > 0 ? " (+" + change + ")" : " (" + change + ")");
  }

  function showHistory(history) {
    const holder = document.getElementById("history");
    if (!history.periods.length) {
      holder.replaceChildren(el("p", say("web_history_none"), "note"));
      return;
    }
    const table = el("table", null, "history");
    const head = el("tr");
    head.appendChild(el("th", say("history_criterion")));
    history.periods.forEach(function (p) { head.appendChild(el("th", p.period)); });
    table.appendChild(el("thead")).appendChild(head);
    const body = table.appendChild(el("tbody"));

    function row(label, values, changes, className) {
      const tr = el("tr", null, className);
      tr.appendChild(el("th", label));
      values.forEach(function (value, i) {
        const cell = el("td", (value === null ? "—" : value) + signed(changes[i]), "num");
        if (changes[i] > 0) cell.classList.add("up");
        if (changes[i] < 0) cell.classList.add("down");
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    }
    history.criteria.forEach(function (c) { row(c.number + ". " + c.name, c.points, c.changes); });
    row(say("history_total"), history.totals, history.total_changes, "total");
    const status = el("tr", null, "status");
    status.appendChild(el("th", say("header_status")));
    history.periods.forEach(function (p) { status.appendChild(el("td", p.status_label, "status-" + p.status)); });
    body.appendChild(status);
    holder.replaceChildren(table);
  }

  // ------------------------------------------------------------------ a board's results table

  const board = document.getElementById("board-table");
  if (board) setUpBoard(board);

  function setUpBoard(table) {
    const body = table.tBodies[0];
    const filter = document.getElementById("status-filter");
    filter.addEventListener("change", function () {
      Array.prototype.forEach.call(body.rows, function (tr) {
        tr.hidden = filter.value !== "" && tr.dataset.status !== filter.value;
      });
    });
    table.querySelectorAll("th").forEach(function (th, column) {
      const button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const numeric = th.dataset.type === "number";
        const rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          const x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
          // No value (a unit without a score, a criterion not scored) goes last whichever way the column sorts.
          if (numeric && (x === "") !== (y === "")) return x === "" ? 1 : -1;
          const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  }
})();

// The official list of units (issue 22): as soon as a valid code is typed, fill the unit's name and province
// (and district, before the reform) from GET /api/unit/{code}, where those fields are still empty. Self-contained.
(function () {
  const code = document.getElementById("in-unit_code");
  if (!code) return;
  const lang = document.documentElement.lang === "en" ? "en" : "vi";
  let asked = "";
  function lookUp() {
    const value = code.value.trim();
    const period = document.getElementById("in-period");
    const key = value + "|" + (period ? period.value.trim() : "");
    if (!/^[0-9]{5}$/.test(value) || key === asked) return;
    asked = key;
    const query = "?lang=" + lang + (period && period.value.trim() ? "&period=" + encodeURIComponent(period.value.trim()) : "");
    fetch("/api/unit/" + value + query).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (unit) {
      if (!unit) return;
      let filled = false;
      ["unit_name", "province", "district"].forEach(function (name) {
        const field = document.getElementById("in-" + name);
        if (field && !field.value.trim() && unit[name]) {
          field.value = unit[name];
          filled = true;
        }
      });
      if (filled) code.form.dispatchEvent(new Event("input", {bubbles: true}));  // re-evaluate with the names
    }).catch(function () { asked = ""; });
  }
  code.addEventListener("input", lookUp);
  const period = document.getElementById("in-period");
  if (period) period.addEventListener("change", lookUp);
})();

// The province server: a step the person cannot take back (handing the file in) asks first.
(function () {
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();
