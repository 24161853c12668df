// A partner's spreadsheet of leads: pick the file, see its first rows and
// which lead field each column fills (changeable), send it, read what each
// row became.
import { h } from "./dom.js";
import { t, call, status, problemText, fieldMessage } from "./app.js";

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function uploadView(main) {
  const input = h("input", { type: "file", id: "f-sheet", accept: ".csv,.xlsx,text/csv," + xlsx, "aria-describedby": "f-sheet-hint" });
  // Its statuses speak for themselves (role status or alert); the mapping
  // and the report get the focus instead of being read out whole.
  const out = h("div", { id: "upload" });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    const type = /\.xlsx$/i.test(file.name) ? xlsx : "text/csv";
    out.replaceChildren(status(t("upload.reading")));
    try {
      const bytes = await file.arrayBuffer();
      const p = await call("POST", "/v1/leads/upload?preview=true", bytes, true, { "Content-Type": type });
      out.replaceChildren(mapping(p, bytes, type, out));
      out.querySelector("h2")?.focus();
    } catch (e) {
      out.replaceChildren(status(problemText(e), "error"));
    }
  });
  main.append(h("h1", {}, t("upload.title")),
    h("p", { class: "hint", id: "f-sheet-hint" }, t("upload.hint")),
    h("div", { class: "field" }, h("label", { for: "f-sheet" }, t("upload.file")), input), out);
}

// mapping shows the file's first rows under a choice of field per column.
function mapping(p, bytes, type, out) {
  if (!p.rows) return status(t("upload.noRows"), "error");
  // One field per column (a list, so a phone shows it too), each with
  // its first values; the first rows themselves below.
  const choices = p.header.map((heading, i) => {
    const id = "f-col-" + i;
    const sel = h("select", { id, "aria-describedby": id + "-hint" },
      h("option", { value: "" }, t("upload.ignore")), ...p.fields.map((f) => h("option", { value: f }, t("column." + f))));
    sel.value = p.columns[i] || "";
    const seen = p.sample.map((r) => r[i]).filter(Boolean).slice(0, 2).join(" · ");
    return h("div", { class: "field" }, h("label", { for: id }, heading || t("upload.unnamed", { n: i + 1 })), sel,
      h("p", { class: "hint", id: id + "-hint" }, seen ? t("upload.example", { values: seen }) : t("upload.emptyColumn")));
  });
  const table = h("div", { class: "scroll" }, h("table", { class: "sample" },
    h("caption", {}, t("upload.firstRows")),
    h("thead", {}, h("tr", {}, ...p.header.map((heading, i) => h("th", { scope: "col" }, heading || t("upload.unnamed", { n: i + 1 }))))),
    h("tbody", {}, ...p.sample.map((r) => h("tr", {}, ...p.header.map((_, i) => h("td", {}, r[i] ?? "")))))));
  const send = h("button", { type: "button", id: "send-sheet" }, t("upload.send", { n: p.rows }));
  send.addEventListener("click", async () => {
    const cols = choices.map((c) => c.querySelector("select").value);
    send.disabled = true;
    out.append(status(t("upload.sending", { n: p.rows })));
    try {
      const r = await call("POST", "/v1/leads/upload?columns=" + encodeURIComponent(cols.join(",")), bytes, true, { "Content-Type": type });
      out.replaceChildren(report(r));
      out.querySelector("h2").focus();
    } catch (e) {
      send.disabled = false;
      out.lastChild.replaceWith(refused(e));
    }
  });
  return h("section", { "aria-labelledby": "mapping-title" },
    h("h2", { id: "mapping-title", tabindex: "-1" }, t("upload.mapping")), h("p", { class: "hint" }, t("upload.mappingHint", { n: p.rows })),
    h("div", { class: "columns" }, ...choices), h("p", { class: "bar" }, send), table);
}

// columnName is a field in words: a column's, or the group's API name
// ("contact") when the error is about several columns.
const columnName = (f) => (t("column." + f) === "column." + f ? f : t("column." + f));

function refused(e) {
  const errs = e.body?.errors || [];
  return status(errs.length ? errs.map(fieldMessage).join(" ") : problemText(e), "error");
}

// report counts what the rows became and lists every row that made no new
// lead, with why.
function report(r) {
  const c = r.counts;
  const sum = h("ul", { class: "counts", id: "upload-counts" },
    h("li", {}, t("upload.accepted", { n: c.accepted - r.replayed })),
    r.replayed ? h("li", {}, t("upload.replayed", { n: r.replayed })) : "",
    ...["duplicate", "conflict", "invalid", "failed"].filter((o) => c[o]).map((o) => h("li", {}, t("upload.count." + o, { n: c[o] }))));
  const rest = r.results.filter((x) => x.outcome !== "accepted");
  const rows = rest.map((x) => h("tr", { "data-line": x.line },
    h("td", {}, t("upload.lineN", { n: x.line })),
    h("td", {}, h("span", { class: "badge " + x.outcome }, t("upload.outcome." + x.outcome))),
    h("td", {}, why(x))));
  return h("section", { "aria-labelledby": "report-title" },
    h("h2", { id: "report-title", tabindex: "-1" }, t("upload.report", { n: r.rows })), sum,
    rest.length ? h("div", { class: "scroll" }, h("table", { id: "upload-rows" },
      h("thead", {}, h("tr", {}, ...["upload.line", "upload.outcome", "upload.why"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows))) : "",
    h("p", { class: "bar" }, h("a", { href: "#/leads" }, t("upload.myLeads"))));
}

function why(x) {
  if (x.outcome === "duplicate") {
    const link = x.leadId ? h("a", { href: "#/leads/" + x.leadId }, t("lead.open")) : "";
    return h("span", {}, x.sameAs ? t("upload.sameAs", { line: x.sameAs }) + " " : t("upload.yours") + " ", link);
  }
  if (x.outcome === "conflict") return t("upload.conflict");
  if (x.outcome === "failed") return t("upload.failed");
  const errs = x.problem?.errors || [];
  return h("ul", { class: "errors" }, ...errs.map((e) => h("li", {}, columnName(e.field) + ": ", fieldMessage(e))));
}
