// The answer's Markdown as DOM nodes, safe by construction: every piece of text is set with
// textContent (never innerHTML), so HTML in an answer shows as text. Covers what answers use:
// headings, paragraphs, bullet and numbered lists, tables, **bold**, *emphasis*, `code`.
"use strict";

window.HawkMarkdown = (function () {
  const INLINE = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*)/;

  function inline(parent, text) {
    for (const part of text.split(INLINE)) {
      if (!part) continue;
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
        append(parent, "strong", part.slice(2, -2));
      } else if (part.startsWith("`") && part.endsWith("`") && part.length > 2) {
        append(parent, "code", part.slice(1, -1));
      } else if (part.startsWith("*") && part.endsWith("*") && part.length > 2) {
        append(parent, "em", part.slice(1, -1));
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    }
  }

  function append(parent, tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined) inline(node, text);
    parent.appendChild(node);
    return node;
  }

  function cells(line) {
    return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
  }

  function table(parent, lines) {
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    const tableNode = append(wrap, "table");
    const rules = lines.length > 1 && /^\|?\s*:?-{3,}/.test(lines[1]) ? cells(lines[1]) : [];
    const right = rules.map((rule) => rule.endsWith(":"));
    const head = append(append(tableNode, "thead"), "tr");
    cells(lines[0]).forEach((text) => append(head, "th", text).setAttribute("scope", "col"));
    const body = append(tableNode, "tbody");
    for (const line of lines.slice(rules.length ? 2 : 1)) {
      const row = append(body, "tr");
      cells(line).forEach((text, index) => {
        const cell = append(row, "td", text);
        if (right[index]) cell.className = "number";
      });
    }
    parent.appendChild(wrap);
  }

  function list(parent, lines, ordered) {
    const node = append(parent, ordered ? "ol" : "ul");
    for (const line of lines) append(node, "li", line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, ""));
  }

  // Consecutive lines of one kind form one block.
  function kindOf(line) {
    if (/^#{1,6}\s/.test(line)) return "heading";
    if (/^\s*\|/.test(line)) return "table";
    if (/^\s*[-*+]\s/.test(line)) return "bullets";
    if (/^\s*\d+[.)]\s/.test(line)) return "numbers";
    if (!line.trim()) return "blank";
    return "text";
  }

  function render(target, markdown) {
    const out = document.createDocumentFragment();
    const lines = markdown.split("\n");
    for (let index = 0; index < lines.length; ) {
      const kind = kindOf(lines[index]);
      let end = index + 1;
      if (kind !== "heading") while (end < lines.length && kindOf(lines[end]) === kind) end++;
      const block = lines.slice(index, end);
      if (kind === "heading") {
        const level = Math.min(block[0].match(/^#+/)[0].length + 1, 6);
        append(out, "h" + level, block[0].replace(/^#+\s*/, ""));
      } else if (kind === "table") table(out, block);
      else if (kind === "bullets") list(out, block, false);
      else if (kind === "numbers") list(out, block, true);
      else if (kind === "text") append(out, "p", block.join(" "));
      index = end;
    }
    target.replaceChildren(out);
  }

  return { render };
})();
