/* statuspress: filters and sorting on list pages, and the site search. Progressive
   enhancement only: with scripts off every list is complete and the search box stays hidden.
   No framework, no network beyond this site's own files. Record text is untrusted, so it is
   only ever inserted as text (textContent, DOM APIs), never as HTML. */
(() => {
  "use strict";

  // The site's root, from this script's own address (…/assets/site.js): works from file://.
  const root = new URL("../", document.currentScript.src);

  /* ---- Shared helpers ---- */

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  };

  // Ids sort as people read them: B-2 before B-10.
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const compareText = (a, b) => collator.compare(a, b);

  // Words as the index has them: lower-cased runs of letters and digits.
  const wordsOf = (text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  /* ---- List pages: filter bar and sort ---- */

  // Severity-like values, most severe first; anything else sorts after, alphabetically.
  const SEVERITY = ["critical", "high", "medium", "low"];
  const severityRank = (value) => {
    const rank = SEVERITY.indexOf(value);
    return rank < 0 ? SEVERITY.length : rank;
  };

  // The filters a list can have: the row attribute each reads and its label.
  const FILTERS = [
    { key: "status", label: "Status" },
    { key: "severity", label: "Severity" },
    { key: "owner", label: "Owner" },
    { key: "tags", label: "Tag", many: true, param: "tag" },
  ];

  function enhanceList(table) {
    const body = table.tBodies[0];
    if (!body) return;
    const rows = Array.from(body.rows);
    const noun = table.dataset.noun || "items";
    const values = (row, filter) => {
      const raw = row.dataset[filter.key] || "";
      return filter.many ? raw.split("\n").filter(Boolean) : raw ? [raw] : [];
    };
    const controls = [];
    const form = el("form", { class: "filters", "aria-label": `Filter and sort ${noun}` });
    form.addEventListener("submit", (event) => event.preventDefault());
    const id = (name) => `filter-${name}`;

    for (const filter of FILTERS) {
      const seen = new Set(rows.flatMap((row) => values(row, filter)));
      if (seen.size === 0) continue;
      const options = Array.from(seen).sort(
        filter.key === "severity" ? (a, b) => severityRank(a) - severityRank(b) || compareText(a, b) : compareText,
      );
      const select = el("select", { id: id(filter.key) }, el("option", { value: "" }, "All"));
      for (const option of options) select.append(el("option", { value: option }, option));
      controls.push({ filter, select });
      form.append(el("div", { class: "field" }, el("label", { htmlFor: id(filter.key) }, filter.label), select));
    }

    let overdue = null;
    if (rows.some((row) => row.dataset.overdue === "true")) {
      overdue = el("input", { type: "checkbox", id: id("overdue") });
      form.append(el("div", { class: "field check" }, overdue, el("label", { htmlFor: id("overdue") }, "Overdue only")));
    }

    const sorts = [["", "Listed order"], ["id", "Id"], ["title", "Title"]];
    if (rows.some((row) => row.dataset.severity)) sorts.push(["severity", "Severity"]);
    if (rows.some((row) => row.dataset.status)) sorts.push(["status", "Status"]);
    if (rows.some((row) => row.dataset.date)) sorts.push(["date", table.dataset.dateLabel || "Date"]);
    const sort = el("select", { id: id("sort") });
    for (const [value, label] of sorts) sort.append(el("option", { value }, label));
    form.append(el("div", { class: "field" }, el("label", { htmlFor: id("sort") }, "Sort by"), sort));

    const reset = el("button", { type: "reset" }, "Reset");
    form.append(el("div", { class: "field actions" }, reset));
    const count = el("p", { class: "filter-count", role: "status" });
    table.before(form, count);

    const byKey = {
      id: (a, b) => compareText(a.dataset.id, b.dataset.id),
      title: (a, b) => compareText(a.dataset.title, b.dataset.title),
      severity: (a, b) => severityRank(a.dataset.severity) - severityRank(b.dataset.severity),
      status: (a, b) => compareText(a.dataset.status || "\uffff", b.dataset.status || "\uffff"),
      // Rows without a date go last; ISO dates sort as text.
      date: (a, b) => compareText(a.dataset.date || "\uffff", b.dataset.date || "\uffff"),
    };

    function apply() {
      let shown = 0;
      for (const row of rows) {
        const match =
          controls.every(({ filter, select }) => !select.value || values(row, filter).includes(select.value)) &&
          (!overdue || !overdue.checked || row.dataset.overdue === "true");
        row.hidden = !match;
        if (match) shown += 1;
      }
      const order = rows.slice();
      const compare = byKey[sort.value];
      // Array.prototype.sort is stable: ties keep the listed order.
      if (compare) order.sort(compare);
      body.append(...order);
      count.textContent =
        shown === rows.length ? `Showing all ${rows.length} ${noun}.` : `Showing ${shown} of ${rows.length} ${noun}.`;
    }
    // The filters live in the address (`?status=open&sort=date`), so a filtered list is a
    // link to paste; opening one applies them. Values the list does not have are ignored.
    const params = [
      ...controls.map(({ filter, select }) => ({ name: filter.param || filter.key, control: select })),
      { name: "sort", control: sort },
    ];
    function readAddress() {
      const query = new URLSearchParams(location.search);
      for (const { name, control } of params) {
        const value = query.get(name);
        if (value !== null && Array.from(control.options).some((o) => o.value === value)) control.value = value;
      }
      if (overdue) overdue.checked = query.get("overdue") === "1";
    }
    function writeAddress() {
      const query = new URLSearchParams(location.search);
      for (const { name, control } of params) {
        if (control.value) query.set(name, control.value);
        else query.delete(name);
      }
      if (overdue && overdue.checked) query.set("overdue", "1");
      else query.delete("overdue");
      const search = query.toString();
      try {
        history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
      } catch {
        // Some browsers refuse to change a file:// address; the filters still work.
      }
    }

    form.addEventListener("change", () => {
      apply();
      writeAddress();
    });
    // A reset restores the controls after this event; apply once it has.
    form.addEventListener("reset", () =>
      setTimeout(() => {
        apply();
        writeAddress();
      }),
    );
    readAddress();
    apply();
  }

  /* ---- Site search ---- */

  const MAX_RESULTS = 12;
  const INDEX_GLOBAL = "statuspressSearchIndex";

  function enhanceSearch(box) {
    const input = box.querySelector("input[type=search]");
    const list = box.querySelector(".search-results");
    const status = box.querySelector(".search-status");
    if (!input || !list || !status) return;
    box.hidden = false;
    let records = null;
    let words = [];
    let loading = false;

    // The index comes as a script (see src/render/search.rs: fetch() of a file is blocked from
    // file:// pages), loaded on first use so pages that are only read cost nothing.
    function load() {
      if (records || loading) return;
      loading = true;
      const script = el("script", { src: new URL("assets/search-index.js", root).href });
      script.addEventListener("load", () => {
        const index = window[INDEX_GLOBAL] || {};
        records = (index.records || []).map(prepare);
        words = Object.entries(index.words || {});
        search();
      });
      script.addEventListener("error", () => {
        status.textContent = "The search index could not be loaded.";
      });
      document.head.append(script);
    }

    // What a query word is matched against, as " word word …" so a word start is " " + prefix.
    function prepare(record) {
      const text = (parts) => ` ${wordsOf(parts.join(" ")).join(" ")} `;
      return {
        record,
        id: record.id.toLowerCase(),
        title: text([record.id, record.title]),
        people: text([record.owner || "", ...(record.tags || [])]),
      };
    }

    // Which records have a body or field word that starts with `term`: the index maps each
    // word to its records' numbers, as gaps from the number before.
    function inText(term) {
      const marks = new Uint8Array(records.length);
      for (const [word, gaps] of words) {
        if (!word.startsWith(term)) continue;
        let number = 0;
        for (const gap of gaps) {
          number += gap;
          marks[number] = 1;
        }
      }
      return marks;
    }

    // Every query word must start a word of the record; matches in the id and title rank first.
    function score(entry, number, query, terms) {
      let total = entry.id === query ? 100 : 0;
      for (const { term, text } of terms) {
        const at = ` ${term}`;
        if (entry.title.includes(at)) total += 10;
        else if (entry.people.includes(at)) total += 5;
        else if (text[number]) total += 1;
        else return 0;
      }
      return total;
    }

    function close() {
      list.hidden = true;
    }

    function search() {
      const query = input.value.trim().toLowerCase();
      const terms = wordsOf(query);
      list.replaceChildren();
      if (!terms.length) {
        status.textContent = "";
        close();
        return;
      }
      if (!records) {
        status.textContent = "Loading the search index…";
        load();
        return;
      }
      const matched = terms.map((term) => ({ term, text: inText(term) }));
      const hits = [];
      records.forEach((entry, order) => {
        const points = score(entry, order, query, matched);
        if (points) hits.push({ entry, points, order });
      });
      hits.sort((a, b) => b.points - a.points || a.order - b.order);
      for (const { entry } of hits.slice(0, MAX_RESULTS)) {
        const r = entry.record;
        const link = el(
          "a",
          { href: new URL(r.url, root).href },
          el("span", { class: "title" }, r.title),
          el("span", { class: "where" }, `${r.id} · ${r.kind}`),
        );
        list.append(el("li", {}, link));
      }
      const more = hits.length > MAX_RESULTS ? ` (first ${MAX_RESULTS} shown)` : "";
      status.textContent =
        hits.length === 0 ? "No results." : `${hits.length} result${hits.length === 1 ? "" : "s"}${more}.`;
      list.hidden = hits.length === 0;
    }

    const links = () => Array.from(list.querySelectorAll("a"));
    input.addEventListener("focus", load);
    input.addEventListener("input", search);
    // Arrow keys move between the input and the results, Enter in the box follows the first
    // result, Escape closes them.
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target === input) {
        const first = list.hidden ? null : links()[0];
        if (first) first.click();
        return;
      }
      if (event.key === "ArrowDown" && list.hidden) search();
      const all = list.hidden ? [] : links();
      const at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : all[at - 1]).focus();
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
          input.focus();
        } else if (input.value) {
          input.value = "";
          search();
        }
      }
    });
    // Results close when focus or a click goes elsewhere.
    document.addEventListener("click", (event) => {
      if (!box.contains(event.target)) close();
    });
    box.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !box.contains(event.relatedTarget)) close();
    });
  }

  document.querySelectorAll("table.list[data-filter]").forEach(enhanceList);
  document.querySelectorAll("div.search").forEach(enhanceSearch);
})();
