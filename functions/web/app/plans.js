// Commission plans for finance: each plan's current version in words with
// its history, and the next version written whole. Versions are never
// rewritten; the API validates each one and checks every call again.
import { h } from "./dom.js";
import { t, call, status, when, problemText } from "./app.js";
import { money } from "./money.js";
import { docEditor } from "./widgets.js";

// What a saved version carries that the next one does not send.
const stamped = ["id", "version", "createdAt", "createdBy", "effectiveFrom"];

export function plansView(main) {
  const again = () => { main.replaceChildren(); plansView(main); };
  const list = h("div", { id: "plans" }, status(t("loading")));
  main.append(h("h1", {}, t("plans.title")), h("p", { class: "hint" }, t("plans.hint")), list);
  call("GET", "/v1/commission-plans").then((r) => {
    const byID = new Map();
    for (const p of r.plans) byID.set(p.id, [...(byID.get(p.id) || []), p]);
    for (const versions of byID.values()) versions.sort((a, b) => b.version - a.version);
    const rows = [...byID.values()].map((v) => planRow(v));
    list.replaceChildren(rows.length ? h("table", { id: "plans-table" },
      h("thead", {}, h("tr", {}, ...["plans.id", "plans.name", "plans.for", "plans.terms", "plans.from", "plans.versions"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)) : status(t("plans.empty")), editor([...byID.values()].map((v) => v[0]), again));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function planRow(versions) {
  const p = versions[0];
  return h("tr", { "data-plan": p.id },
    h("td", {}, h("code", {}, p.id)),
    h("td", {}, p.name),
    h("td", {}, p.partnerId ? t("plans.partner", { id: p.partnerId }) : t("plans.tier", { tier: p.tier })),
    h("td", {}, terms(p)),
    h("td", {}, p.effectiveFrom || "—"),
    h("td", {}, h("details", {}, h("summary", {}, t("plans.version", { n: p.version })),
      h("ul", {}, ...versions.map((v) => h("li", {}, t("plans.versionLine", { n: v.version, from: v.effectiveFrom || "—", at: when(v.createdAt), by: v.createdBy || "—" }), " · ", terms(v)))))));
}

// terms is a version's deal in words: its type and rate or amount.
function terms(p) {
  const rate = p.rateBps ? (p.rateBps / 100).toLocaleString(document.documentElement.lang) + "%" : "";
  const flat = p.flatAmount ? money(p.flatAmount, p.currency) : "";
  return [t("planType." + p.type), rate, flat, p.months ? t("plans.months", { n: p.months }) : ""].filter(Boolean).join(" · ");
}

// editor writes the next version of a plan, or a new plan's first.
function editor(latest, again) {
  return docEditor({
    name: "plan", prefix: "plans", items: latest, idOf: (p) => p.id, labelOf: (p) => p.id + " — " + p.name, strip: stamped, again,
    template: { name: "", partnerId: "", currency: "BRL", type: "percent_of_deal", rateBps: 1000, clawbackDays: 90, clawbackMode: "full", minPayout: 0 },
    save: async (id, plan) => {
      const saved = await call("PUT", "/v1/commission-plans/" + encodeURIComponent(id), plan);
      return t("plans.saved", { id: saved.id, n: saved.version, from: saved.effectiveFrom });
    },
  });
}
