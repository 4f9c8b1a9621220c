// The console: POST the question to /hawk-agent/process-prompt and read its server-sent events
// with fetch (EventSource cannot POST), as the signed-in user (session cookie + CSRF token).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const templates = JSON.parse($("console-templates").textContent);
  const currencies = JSON.parse($("console-currencies").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const state = { runId: null, answer: "", started: 0, firstEvent: null, reader: null };

  // --- the form ----------------------------------------------------------------------------

  for (const template of templates) {
    const option = new Option(template.name, String(template.id));
    $("template").add(option);
  }

  function selectedTemplate() {
    return templates.find((t) => String(t.id) === $("template").value) || null;
  }

  function variableInput(field) {
    const id = "var-" + field.name;
    const label = element("label", field.label || field.name);
    label.htmlFor = id;
    if (field.required) label.append(element("span", " (required)", "hint"));
    let input;
    if (field.type === "currency") {
      input = choiceInput(currencies.map((c) => [c.code, c.code + " " + c.name]));
    } else if (field.type === "nav_type") {
      input = choiceInput([["COI", "COI (cost of investment)"], ["RE", "RE (retained earnings)"]]);
    } else if (field.type === "choice") {
      input = choiceInput((field.choices || []).map((c) => [String(c), String(c)]));
    } else {
      input = document.createElement("input");
      input.type = field.type === "date" ? "date" : "text";
      if (field.type === "amount") input.inputMode = "decimal";
      if (field.placeholder) input.placeholder = field.placeholder;
    }
    input.id = id;
    input.name = field.name;
    input.required = Boolean(field.required);
    const row = element("div", null, "variable");
    row.append(label, input);
    return row;
  }

  function choiceInput(pairs) {
    const select = document.createElement("select");
    select.add(new Option("Choose ...", ""));
    for (const [value, text] of pairs) select.add(new Option(text, value));
    return select;
  }

  $("template").addEventListener("change", () => {
    const template = selectedTemplate();
    const box = $("variables");
    box.replaceChildren(element("legend", "Template variables"));
    box.hidden = !template || !template.input_fields.length;
    $("template-description").hidden = !template;
    $("template-description").textContent = template ? template.description : "";
    if (template) template.input_fields.forEach((field) => box.append(variableInput(field)));
    $("question").placeholder = template ? template.prompt_text : "Check if I can hedge 150K CNY today";
  });

  function requestBody() {
    const template = selectedTemplate();
    const body = { stream: true };
    const question = $("question").value.trim();
    if (question) body.user_prompt = question;
    if (!template) return body;
    body.template_id = template.id;
    body.template_variables = {};
    for (const field of template.input_fields) {
      const value = $("var-" + field.name).value.trim();
      if (value) body.template_variables[field.name] = value;
    }
    return body;
  }

  function missingInput(body) {
    const template = selectedTemplate();
    if (!template) return body.user_prompt ? null : "Type a question first.";
    const missing = template.input_fields.filter(
      (f) => f.required && !body.template_variables[f.name]
    );
    if (missing.length) return "Fill in: " + missing.map((f) => f.label || f.name).join(", ") + ".";
    if (!body.user_prompt && !Object.keys(body.template_variables).length) {
      return "Fill in the template's variables or type a question.";
    }
    return null;
  }

  // --- a run -------------------------------------------------------------------------------

  $("ask-form").addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const body = requestBody();
    const problem = missingInput(body);
    showError(problem);
    if (!problem) ask(body);
  });

  $("again").addEventListener("click", () => ask(requestBody()));
  $("stop").addEventListener("click", stop);

  async function ask(body) {
    reset();
    setRunning(true);
    try {
      const response = await fetch("/hawk-agent/process-prompt", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "X-CSRFToken": csrf,
        },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(await errorText(response));
      await readEvents(response.body.getReader());
    } catch (failure) {
      showError(failure.message || String(failure));
    } finally {
      setRunning(false);
    }
  }

  async function errorText(response) {
    try {
      const error = (await response.json()).error || {};
      const fields = Object.entries(error.details || {}).map(([k, v]) => k + ": " + v);
      return [error.message || response.statusText, ...fields].join(" ");
    } catch (unreadable) {
      return "The request failed (HTTP " + response.status + ").";
    }
  }

  async function readEvents(reader) {
    state.reader = reader;
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const frames = buffer.split("\n\n");
      buffer = frames.pop();
      frames.forEach(handleFrame);
    }
  }

  function handleFrame(frame) {
    const data = frame
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6))
      .join("\n");
    if (!data) return; // a keep-alive comment
    const event = JSON.parse(data);
    if (state.firstEvent === null) state.firstEvent = performance.now() - state.started;
    state.runId = event.run_id || state.runId;
    (HANDLERS[event.event] || (() => {}))(event);
  }

  const HANDLERS = {
    hawk_plan: (event) => showPlan(event),
    hawk_context: (event) => setStatus("Read " + event.records + " records; writing the answer ..."),
    hawk_facts: (event) => showFacts(event.facts || {}),
    hawk_notice: (event) => {
      addNotice(event.message || event.code);
      if (event.code === "quality_warning") showRiskBanner(event.message);
    },
    message: (event) => showAnswer(state.answer + (event.answer || "")),
    message_replace: (event) => showAnswer(event.answer || ""),
    message_end: (event) => finish(event),
    error: (event) => showError((event.message || "The run failed.") + " (" + event.code + ")"),
  };

  let pending = false;
  function showAnswer(text) {
    state.answer = text;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      window.HawkMarkdown.render($("answer"), state.answer);
    });
  }

  async function stop() {
    $("stop").disabled = true;
    if (state.runId) {
      await fetch("/hawk-agent/runs/" + state.runId + "/stop", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf },
      });
    }
    if (state.reader) await state.reader.cancel();
    setStatus("Stopped.");
  }

  function finish(event) {
    const usage = (event.metadata || {}).usage || {};
    const timings = event.timings || {};
    const rows = [
      ["First event", Math.round(state.firstEvent) + " ms"],
      ["First words (server)", formatMs(timings.first_token_ms)],
      ["Total", Math.round(performance.now() - state.started) + " ms"],
      ["Answered by", event.backend + (event.answer_cache === "hit" ? " (cached answer)" : "")],
      ["Tokens", String(usage.total_tokens ?? 0)],
      ["Cost", (usage.total_price ?? "0") + " " + (usage.currency || "USD")],
    ];
    $("timings").replaceChildren(...rows.flatMap(([name, value]) => [
      element("dt", name),
      element("dd", value),
    ]));
    $("run-link").href = "/console/runs/" + state.runId + "/";
    $("run-meta").hidden = false;
    setStatus("Done.");
  }

  function formatMs(value) {
    return value === undefined || value === null ? "n/a" : Math.round(value) + " ms";
  }

  // --- feedback ----------------------------------------------------------------------------

  for (const rating of ["like", "dislike"]) {
    $(rating).addEventListener("click", async () => {
      const response = await fetch("/hawk-agent/runs/" + state.runId + "/feedback", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ rating }),
      });
      if (!response.ok) return showError(await errorText(response));
      $("like").setAttribute("aria-pressed", String(rating === "like"));
      $("dislike").setAttribute("aria-pressed", String(rating === "dislike"));
      setStatus("Thank you: your " + rating + " is recorded.");
    });
  }

  // --- plan and facts as tables ------------------------------------------------------------

  function showPlan(event) {
    const parameters = Object.entries(event.parameters || {}).filter(
      ([, value]) => value !== null && !(Array.isArray(value) && !value.length)
    );
    const box = $("plan");
    box.replaceChildren(
      keyValueTable([
        ["Intent", words(event.intent)],
        ["Business date", event.business_date],
        ["Scope", event.data_scope],
        ...parameters.map(([name, value]) => [words(name), display(value)]),
      ]),
      element("h3", "Data read"),
      objectTable(
        (event.sources || []).map((source) => ({
          source: source.name,
          filters: filterWords(source.filters || {}),
        }))
      )
    );
    $("plan-box").hidden = false;
    setStatus("Planned: " + words(event.intent) + "; reading the data ...");
  }

  // "currency_code__in_or_null" -> "Currency code is one of (or none)": filters in words.
  const LOOKUPS = {
    "": "is",
    in: "is one of",
    in_or_null: "is one of (or none)",
    lte: "on or before",
    lte_or_null: "on or before (or none)",
    gte: "on or after",
    range: "between",
  };

  function filterWords(filters) {
    const entries = Object.entries(filters);
    if (!entries.length) return "all rows";
    return entries
      .map(([key, value]) => {
        const [column, lookup = ""] = key.split("__");
        const how = LOOKUPS[lookup] || lookup.replace(/_/g, " ");
        const shown = lookup === "range" ? display(value).replace(", ", " and ") : display(value);
        return words(column) + " " + how + " " + shown;
      })
      .join("; ");
  }

  function showFacts(facts) {
    const box = $("facts");
    box.replaceChildren();
    const scalars = [];
    for (const [key, value] of Object.entries(facts)) {
      if (key === "warnings" || key === "entity_names") continue;
      if (value === null || typeof value !== "object") scalars.push([words(key), display(value)]);
      else box.append(factsSection(key, value));
    }
    if (scalars.length) box.prepend(keyValueTable(scalars));
    (facts.warnings || []).forEach((w) => addNotice(w.severity + " " + w.code + ": " + w.message));
    $("facts-box").hidden = false;
  }

  function factsSection(key, value) {
    const section = element("section", null, "facts-section");
    section.append(element("h3", words(key)));
    if (Array.isArray(value)) {
      section.append(objectTable(value));
      return section;
    }
    const scalars = [];
    for (const [name, item] of Object.entries(value)) {
      if (Array.isArray(item) && item.length && typeof item[0] === "object") {
        section.append(element("h4", words(name)), objectTable(item));
      } else scalars.push([words(name), display(item)]);
    }
    if (scalars.length) section.insertBefore(keyValueTable(scalars), section.children[1] || null);
    return section;
  }

  function keyValueTable(pairs) {
    return tableOf(["Item", "Value"], pairs);
  }

  function objectTable(rows) {
    if (!rows.length) return element("p", "None.");
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    return tableOf(
      columns.map(words),
      rows.map((row) => columns.map((column) => display(row[column])))
    );
  }

  function tableOf(headers, rows) {
    const wrap = element("div", null, "table-wrap");
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    headers.forEach((text) => {
      const cell = element("th", text);
      cell.scope = "col";
      head.append(cell);
    });
    const body = table.createTBody();
    for (const row of rows) {
      const line = body.insertRow();
      row.forEach((text) => {
        const cell = line.insertCell();
        cell.textContent = text;
        if (/^-?[\d,]+(\.\d+)?%?$/.test(text)) cell.className = "number";
      });
    }
    wrap.append(table);
    return wrap;
  }

  // Amounts with thousands separators, as they are (strings with their decimals).
  function display(value) {
    if (value === null || value === undefined || value === "") return "-";
    if (Array.isArray(value)) return value.map(display).join(", ");
    if (typeof value === "object") return JSON.stringify(value);
    const text = String(value);
    const number = text.match(/^(-?)(\d+)(\.\d+)?$/);
    if (!number || text.length < 5) return text;
    return number[1] + number[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (number[3] || "");
  }

  function words(name) {
    const text = String(name ?? "").replace(/_/g, " ").toLowerCase();
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // --- page state --------------------------------------------------------------------------

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== null && text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // A high or critical answer (the answer check): said above the answer, not only in the list.
  function showRiskBanner(text) {
    $("risk-banner").textContent = "Check this answer before relying on it: " + text;
    $("risk-banner").hidden = false;
  }

  function addNotice(text) {
    $("notices").append(element("li", text));
    $("notices-box").hidden = false;
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function showError(text) {
    $("form-error").hidden = !text;
    $("form-error").textContent = text || "";
  }

  function setRunning(running) {
    $("ask").disabled = running;
    $("stop").disabled = !running;
    $("answer").setAttribute("aria-busy", String(running));
    $("again").hidden = running || !state.runId;
  }

  function reset() {
    Object.assign(state, { runId: null, answer: "", started: performance.now(), firstEvent: null });
    $("answer").replaceChildren();
    ["plan", "facts", "notices", "timings"].forEach((id) => $(id).replaceChildren());
    ["plan-box", "facts-box", "notices-box", "run-meta", "risk-banner"].forEach(
      (id) => ($(id).hidden = true)
    );
    ["like", "dislike"].forEach((id) => $(id).setAttribute("aria-pressed", "false"));
    showError(null);
    setStatus("Understanding the question ...");
  }
})();
