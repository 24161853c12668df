// The routing rules for managers: the published set in words, an editor of
// the whole set, the what-if simulator against recent leads, and publishing
// with If-Match, so two managers never overwrite each other. The API
// validates every set and checks every call again.
import { h } from "./dom.js";
import { t, call, status, problemText } from "./app.js";
import { jsonEditor, refusal } from "./widgets.js";

const recent = 200; // leads the simulator replays

export function rulesView(main) {
  const again = () => { main.replaceChildren(); rulesView(main); };
  const reload = h("button", { type: "button", id: "refresh", class: "secondary" }, t("lead.refresh"));
  reload.addEventListener("click", again);
  const body = h("div", { id: "rules" }, status(t("loading")));
  main.append(h("h1", {}, t("rules.title")), h("p", { class: "bar" }, h("span", { class: "hint" }, t("rules.hint")), reload), body);
  call("GET", "/v1/admin/routing/rules").then((rs) => editor(body, rs, again))
    .catch((e) => body.replaceChildren(status(problemText(e), "error")));
}

function editor(body, rs, again) {
  const { version, ...set } = rs;
  const out = h("div", { id: "rules-result", "aria-live": "polite" });
  const report = h("div", { id: "simulation", "aria-live": "polite" });
  const { el: text, read: parsed } = jsonEditor("rules", t("rules.editor", { version }), set, out);
  const simulate = h("button", { type: "button", id: "simulate", class: "secondary" }, t("rules.simulate", { n: recent }));
  const publish = h("button", { type: "button", id: "publish" }, t("rules.publish"));
  const refused = (e) => refusal(out, e, "rules.conflict");
  simulate.addEventListener("click", async () => {
    const ruleSet = parsed();
    if (!ruleSet) return;
    report.replaceChildren(status(t("rules.simulating")));
    try {
      showReport(report, await call("POST", "/v1/admin/routing/simulate", { ruleSet, last: recent }));
    } catch (e) {
      report.replaceChildren();
      refused(e);
    }
  });
  publish.addEventListener("click", async () => {
    const ruleSet = parsed();
    if (!ruleSet) return;
    out.replaceChildren(status(t("rules.publishing")));
    try {
      const saved = await call("PUT", "/v1/admin/routing/rules", ruleSet, true, { "If-Match": '"' + version + '"' });
      const done = h("button", { type: "button", class: "secondary" }, t("rules.reload"));
      done.addEventListener("click", again);
      out.replaceChildren(status(t("rules.published", { version: saved.version }), "ok"), done);
    } catch (e) {
      refused(e);
    }
  });
  body.replaceChildren(h("h2", {}, t("rules.current", { version })), summary(rs),
    h("h2", {}, t("rules.edit")), h("p", { class: "hint" }, t("rules.editHint")), text,
    h("p", { class: "bar" }, simulate, publish), out, report);
}

// summary is the published set in words: each rule in order, then the
// fallback owner.
function summary(rs) {
  const rules = rs.rules || [];
  const when = (w = {}) => Object.entries(w).filter(([, v]) => v?.length).map(([k, v]) => t("rules.when." + k) + ": " + v.join(", ")).join(" · ") || t("rules.always");
  const rows = rules.map((r, i) => h("tr", { "data-rule": r.id },
    h("td", {}, String(i + 1)),
    h("td", {}, h("code", {}, r.id)),
    h("td", {}, when(r.when)),
    h("td", {}, r.pool.join(", ")),
    h("td", {}, t("strategy." + r.strategy))));
  return h("div", {},
    rules.length ? h("table", { id: "rules-table" },
      h("thead", {}, h("tr", {}, ...["rules.order", "rules.id", "rules.when", "rules.pool", "rules.strategy"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)) : status(t("rules.none")),
    h("p", {}, t("rules.fallback", { owner: rs.fallbackOwner })));
}

function showReport(report, r) {
  const rows = Object.entries(r.byRule || {}).sort((a, b) => b[1] - a[1]).map(([rule, n]) => h("tr", {}, h("td", {}, h("code", {}, rule)), h("td", {}, String(n))));
  const owners = (r.owners || []).map((o) => h("tr", {}, h("td", {}, o.owner), h("td", {}, String(o.count)), h("td", {}, o.expected.toFixed(1))));
  report.replaceChildren(h("h2", {}, t("rules.report")),
    status(t("rules.reportSummary", { leads: r.leads, unassigned: r.unassigned }), r.unassigned ? "warn" : "ok"),
    rows.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("rules.id")), h("th", { scope: "col" }, t("rules.leads")))), h("tbody", {}, ...rows)) : "",
    owners.length ? h("table", {}, h("thead", {}, h("tr", {}, ...["why.rep", "rules.leads", "rules.expected"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, ...owners)) : "");
}
