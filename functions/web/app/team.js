// The team's screens: partners for managers and admins, and the manager's
// reassignment of a lead. The API checks every call again.
import { h, field, formData, showErrors, clearErrors } from "./dom.js";
import { t, call, status, when, problemText, fieldMessage, session, roleOf } from "./app.js";
import { secretOnce } from "./widgets.js";

// partnersView lists the partners, each with a link to its leads; an admin
// also registers one here and sees its first API key once.
export function partnersView(main) {
  const list = h("div", { id: "partners" }, status(t("loading")));
  main.append(h("h1", {}, t("partners.title")));
  if (roleOf(session.claims) === "admin") main.append(newPartnerForm(() => { main.replaceChildren(); partnersView(main); }));
  main.append(h("h2", {}, t("partners.all")), list);
  call("GET", "/v1/admin/partners").then((page) => {
    if (!page.items.length) { list.replaceChildren(status(t("partners.empty"))); return; }
    const rows = page.items.map((p) => h("tr", { "data-id": p.id },
      h("td", {}, p.name),
      h("td", {}, h("code", {}, p.id)),
      h("td", {}, p.program || t("partners.defaultProgram")),
      h("td", {}, when(p.createdAt)),
      h("td", {}, h("a", { href: "#/leads?partner=" + encodeURIComponent(p.id) }, t("partners.leads")))));
    list.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, ...["partners.name", "partners.id", "partners.program", "partners.created", "partners.actions"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function newPartnerForm(done) {
  const form = h("form", { id: "partner-form", novalidate: true },
    field("name", t("partners.name"), { required: true, autocomplete: "organization" }),
    h("button", { type: "submit" }, t("partners.create")));
  const out = h("div", { id: "partner-result", "aria-live": "polite" });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.replaceChildren(status(t("partners.creating")));
    try {
      const r = await call("POST", "/v1/admin/partners", formData(form));
      // The key is shown once and never again: the store keeps its hash.
      out.replaceChildren(status(t("partners.createdOk", { name: r.partner.name }), "ok"),
        secretOnce(r.apiKey, done, { id: "new-key", note: "partners.keyOnce" }));
      form.reset();
    } catch (e) {
      out.replaceChildren();
      if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
    }
  });
  return h("section", { "aria-labelledby": "new-partner" }, h("h2", { id: "new-partner" }, t("partners.new")), form, out);
}

// partnerPicker is the leads filter's partner choice for the team, which
// lists one partner's leads at a time; it resolves to the chosen id.
export async function partnerPicker(filter, chosen) {
  const page = await call("GET", "/v1/admin/partners");
  if (!page.items.length) return "";
  const id = page.items.some((p) => p.id === chosen) ? chosen : page.items[0].id;
  filter.prepend(field("partner", t("leads.partner"), { options: page.items.map((p) => [p.id, p.name]), value: id }));
  return id;
}

// reassignForm moves a lead to another rep, or back through the routing
// rules; the API refuses a rep at capacity unless told to override.
export async function reassignForm(body, l, done) {
  const reps = (await call("GET", "/v1/admin/reps")).items
    .filter((r) => r.active && r.id !== l.ownerId)
    .sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id, document.documentElement.lang));
  const form = h("form", { id: "assign", novalidate: true },
    field("ownerId", t("assign.to"), { form: "assign", options: [["", t("assign.byRules")], ...reps.map((r) => [r.id, r.name || r.id])] }),
    field("reason", t("assign.reason"), { form: "assign", required: true }),
    field("overrideCapacity", t("assign.override"), { form: "assign", type: "checkbox" }),
    h("button", { type: "submit" }, t("assign.submit")));
  const out = h("div", { id: "assign-result", "aria-live": "polite" });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.replaceChildren(status(t("assign.sending")));
    try {
      await call("POST", "/v1/leads/" + encodeURIComponent(l.id) + "/assign", formData(form));
      done();
    } catch (e) {
      out.replaceChildren();
      if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
    }
  });
  body.append(h("h2", {}, t("assign.title")), h("p", { class: "hint" }, t("assign.hint")), form, out);
}

// routingWhy explains, for managers, why the lead has its owner: the last
// routing decision, with each candidate and why it was left out.
export async function routingWhy(body, l) {
  const r = await call("GET", "/v1/leads/" + encodeURIComponent(l.id) + "/routing");
  const d = r.decisions?.[0];
  const section = h("section", { id: "routing", "aria-labelledby": "routing-title" }, h("h2", { id: "routing-title" }, t("why.title")));
  if (!d) {
    section.append(status(t("why.none")));
    body.append(section);
    return;
  }
  section.append(h("p", {}, t("why.path." + d.path, { rule: d.ruleId || "", strategy: d.strategy ? t("strategy." + d.strategy) : "" }),
    " ", t("why.chosen", { rep: d.chosen, when: when(d.at), grade: d.grade || "—", score: d.score })));
  const rows = (d.candidates || []).map((c) => h("tr", {},
    h("td", {}, c.repId),
    h("td", {}, c.excluded ? t("why.excluded." + c.excluded) : t("why.eligible")),
    h("td", {}, String(c.load))));
  if (rows.length) {
    section.append(h("table", {},
      h("thead", {}, h("tr", {}, ...["why.rep", "why.state", "why.load"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)));
  }
  body.append(section);
}

// staleView lists open leads without an update for some days: the
// manager's chase list (a partner sees its own).
export function staleView(main, { query }) {
  const days = ["3", "7", "14", "30"].includes(query.get("dias")) ? query.get("dias") : "3";
  const filter = h("form", { id: "stale-filter", class: "filters" },
    field("dias", t("stale.days"), { options: ["3", "7", "14", "30"].map((n) => [n, t("stale.daysN", { n })]), value: days }),
    h("button", { type: "submit" }, t("leads.filter")));
  filter.addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = "#/parados?dias=" + formData(filter).dias;
  });
  const list = h("div", { id: "stale" }, status(t("loading")));
  main.append(h("h1", {}, t("stale.title")), h("p", { class: "hint" }, t("stale.hint")), filter, list);
  call("GET", "/v1/metrics/stale?days=" + days).then((page) => {
    if (!page.items.length) { list.replaceChildren(status(t("stale.empty", { n: days }), "ok")); return; }
    const rows = page.items.map((s) => h("tr", { "data-id": s.leadId },
      h("td", {}, h("a", { href: "#/leads/" + s.leadId }, s.leadId)),
      h("td", {}, s.partnerId || ""),
      h("td", {}, h("span", { class: "badge " + s.status }, t("status." + s.status))),
      h("td", {}, s.ownerId || t("stale.noOwner")),
      h("td", {}, when(s.updatedAt)),
      h("td", {}, String(s.idleDays))));
    list.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, ...["stale.lead", "leads.partner", "leads.status", "lead.owner", "leads.updated", "stale.idle"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}
