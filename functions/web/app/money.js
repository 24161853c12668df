// Money: the commission statement (a partner's own, finance's of every
// partner) with finance's approve, pay and export, and disputes (a partner
// files one on a line, finance answers). The API checks every call again.
import { h, field, formData } from "./dom.js";
import { t, call, status, when, problemText, session, roleOf, localTime, cents } from "./app.js";
import { saving } from "./widgets.js";

const desk = () => ["finance", "admin"].includes(roleOf(session.claims));

// money writes minor units in the currency's own format: R$ 1.234,56.
export function money(amount, currency) {
  const f = new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency });
  return f.format(amount / 10 ** f.resolvedOptions().maximumFractionDigits);
}

const thisPeriod = () => localTime(new Date()).slice(0, 7);
const validPeriod = (p) => /^\d{4}-(0[1-9]|1[0-2])$/.test(p || "");

export function statementView(main, { query }) {
  const period = validPeriod(query.get("periodo")) ? query.get("periodo") : thisPeriod();
  const again = () => { main.replaceChildren(); statementView(main, { query }); };
  const filter = h("form", { id: "period-filter", class: "filters", novalidate: true },
    field("periodo", t("money.period"), { type: "month", value: period, required: true }),
    h("button", { type: "submit" }, t("money.show")));
  filter.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = formData(filter).periodo;
    location.hash = "#/comissoes?periodo=" + (validPeriod(p) ? p : period);
  });
  const list = h("div", { id: "statement" }, status(t("loading")));
  main.append(h("h1", {}, t("money.title")), h("p", { class: "hint" }, t(desk() ? "money.hintDesk" : "money.hintPartner")), filter);
  if (desk()) main.append(deskTools(period, again));
  main.append(list);
  call("GET", "/v1/commissions?period=" + period).then((st) => {
    const partners = st.partners || [];
    if (!partners.length) { list.replaceChildren(status(t("money.empty", { period }))); return; }
    list.replaceChildren(...partners.map((p) => partnerStatement(p, period, again)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

// deskTools approves every partner's period at once and exports it.
function deskTools(period, again) {
  const out = h("div", { id: "desk-result", "aria-live": "polite" });
  const approve = h("button", { type: "button", id: "approve-all" }, t("money.approveAll"));
  approve.addEventListener("click", () => approveLines(out, { period }, again));
  const exp = h("button", { type: "button", id: "export", class: "secondary" }, t("money.export"));
  exp.addEventListener("click", () => exportPeriod(out, period));
  return h("section", { "aria-label": t("money.desk") }, h("p", { class: "bar" }, approve, exp), out);
}

async function approveLines(out, body, again) {
  out.replaceChildren(status(t("money.working")));
  try {
    const r = await call("POST", "/v1/commissions/approve", body);
    const done = h("button", { type: "button", class: "secondary" }, t("money.reload"));
    done.addEventListener("click", again);
    out.replaceChildren(status(t("money.approved", { n: r.approved, held: r.held }), "ok"), done);
  } catch (e) {
    out.replaceChildren(status(problemText(e), "error"));
  }
}

// exportPeriod asks for the period's files and waits for their links.
async function exportPeriod(out, period) {
  out.replaceChildren(status(t("money.exporting")));
  try {
    let x = await call("POST", "/v1/exports", { period });
    for (let i = 0; i < 120; i++) {
      x = await call("GET", "/v1/exports/" + encodeURIComponent(x.export?.id || x.id));
      if (x.export.status !== "pending") break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (x.export.status === "failed") { out.replaceChildren(status(t("money.exportFailed", { detail: x.export.error || "" }), "error")); return; }
    if (x.export.status !== "completed") { out.replaceChildren(status(t("money.exportSlow"), "warn")); return; }
    const link = (url, key) => url ? h("li", {}, h("a", { href: url, download: "" }, t(key))) : "";
    out.replaceChildren(status(t("money.exported", { period, until: when(x.expiresAt) }), "ok"),
      h("ul", { id: "export-links" }, link(x.downloadUrl, "money.ledgerCsv"), link(x.payoutsUrl, "money.payoutsCsv"), link(x.manifestUrl, "money.manifest")));
  } catch (e) {
    out.replaceChildren(status(problemText(e), "error"));
  }
}

function partnerStatement(p, period, again) {
  const section = h("section", { class: "statement", "data-partner": p.partnerId });
  if (desk()) section.append(h("h2", {}, t("money.partner", { id: p.partnerId })));
  const totals = Object.entries(p.totals || {}).map(([cur, v]) => h("div", { class: "totals" },
    h("dl", {},
      h("dt", {}, t("money.accrued")), h("dd", {}, money(v.accrued, cur)),
      h("dt", {}, t("money.takenBack")), h("dd", {}, money(v.takenBack, cur)),
      h("dt", {}, t("money.net")), h("dd", {}, money(v.net, cur)),
      h("dt", {}, t("money.closing")), h("dd", {}, money(v.closingBalance, cur)))));
  section.append(...totals);
  const out = h("div", { class: "line-result", "aria-live": "polite" });
  if (desk()) {
    const approve = h("button", { type: "button", class: "approve" }, t("money.approve"));
    approve.addEventListener("click", () => approveLines(out, { period, partnerId: p.partnerId }, again));
    const pay = h("button", { type: "button", class: "pay secondary" }, t("money.pay"));
    pay.addEventListener("click", () => payPartner(out, p.partnerId, period, again));
    section.append(h("p", { class: "bar" }, approve, pay));
  }
  section.append(out);
  const lines = p.lines || [];
  if (!lines.length) section.append(status(t("money.noLines")));
  else {
    const rows = lines.map((l) => {
      const cells = [
        h("td", {}, t("kind." + l.kind)),
        h("td", {}, l.leadId ? h("a", { href: "#/leads/" + l.leadId }, l.leadId) : "—"),
        h("td", { class: "amount" }, money(l.amount, l.currency)),
        h("td", {}, h("span", { class: "badge " + l.state }, t("lineState." + l.state))),
        h("td", {}, l.explanation)];
      if (roleOf(session.claims) === "partner") {
        const b = h("button", { type: "button", class: "secondary dispute" }, t("money.dispute"));
        b.addEventListener("click", () => disputeForm(out, l));
        cells.push(h("td", {}, b));
      }
      return h("tr", { "data-line": l.id }, ...cells);
    });
    const heads = ["money.kind", "money.lead", "money.amount", "money.state", "money.explanation"];
    if (roleOf(session.claims) === "partner") heads.push("partners.actions");
    section.append(h("table", { class: "lines" },
      h("thead", {}, h("tr", {}, ...heads.map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)));
  }
  for (const b of p.payouts || []) {
    section.append(h("p", { class: "payout" }, t("money.payout", { total: money(b.total, b.currency), n: b.lines, state: t("payoutState." + b.state), when: when(b.paidAt || b.createdAt) })));
  }
  return section;
}

async function payPartner(out, partnerId, through, again) {
  out.replaceChildren(status(t("money.working")));
  try {
    const b = await call("POST", "/v1/commissions/pay", { partnerId, through });
    const done = h("button", { type: "button", class: "secondary" }, t("money.reload"));
    done.addEventListener("click", again);
    out.replaceChildren(status(t("money.paid", { total: money(b.total, b.currency), n: b.lines }), "ok"),
      b.moreApproved ? status(t("money.moreApproved"), "warn") : "", done);
  } catch (e) {
    out.replaceChildren(status(problemText(e), "error"));
  }
}

// disputeForm files a dispute on a line, with an optional correction.
function disputeForm(out, l) {
  const form = h("form", { id: "dispute-form", novalidate: true },
    h("p", {}, t("dispute.about", { kind: t("kind." + l.kind), amount: money(l.amount, l.currency) })),
    field("message", t("dispute.message"), { form: "dispute", required: true, multiline: true }),
    field("claimed.amount", t("dispute.claimed", { currency: l.currency }), { form: "dispute", inputmode: "decimal" }),
    h("button", { type: "submit" }, t("dispute.submit")));
  const result = h("div", { id: "dispute-result", "aria-live": "polite" });
  saving(form, result, async (f) => {
    const body = { period: l.period, lineId: l.id, message: f.message || "" };
    if (f.claimed?.amount) body.claimed = { amount: cents(f.claimed.amount, l.currency), currency: l.currency };
    const d = await call("POST", "/v1/commission-disputes", body);
    form.remove();
    result.replaceChildren(status(t("dispute.filed", { id: d.id }), "ok"), h("a", { href: "#/contestacoes" }, t("dispute.see")));
  });
  out.replaceChildren(h("h3", {}, t("dispute.title")), form, result);
  form.elements.message.focus();
}

export function disputesView(main, { query }) {
  const states = ["open", "answered", "all"];
  const state = states.includes(query.get("estado")) ? query.get("estado") : desk() ? "open" : "all";
  const filter = h("form", { id: "dispute-filter", class: "filters" },
    field("estado", t("dispute.state"), { options: states.map((s) => [s, t("dispute.filter." + s)]), value: state }),
    h("button", { type: "submit" }, t("leads.filter")));
  filter.addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = "#/contestacoes?estado=" + formData(filter).estado;
  });
  const list = h("div", { id: "disputes" }, status(t("loading")));
  main.append(h("h1", {}, t("dispute.listTitle")), h("p", { class: "hint" }, t(desk() ? "dispute.hintDesk" : "dispute.hintPartner")), filter, list);
  const again = () => { main.replaceChildren(); disputesView(main, { query }); };
  call("GET", "/v1/commission-disputes?state=" + state).then((r) => {
    if (!r.disputes.length) { list.replaceChildren(status(t("dispute.empty"))); return; }
    list.replaceChildren(...r.disputes.map((d) => disputeCard(d, again)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function disputeCard(d, again) {
  const dl = h("dl", {});
  const add = (k, v) => { if (v) dl.append(h("dt", {}, t(k)), h("dd", {}, v)); };
  add("money.partnerId", desk() ? d.partnerId : "");
  add("money.period", d.period);
  add("money.lead", d.leadId ? h("a", { href: "#/leads/" + d.leadId }, d.leadId) : "");
  add("dispute.filedAt", when(d.filedAt));
  add("dispute.message", d.message);
  add("dispute.claimedShort", d.claimed ? money(d.claimed.amount, d.claimed.currency) : "");
  if (d.answer) {
    add("dispute.answer", d.answer.reason);
    add("dispute.adjustment", d.answer.amount ? money(d.answer.amount.amount, d.answer.amount.currency) : "");
    add("dispute.answeredAt", when(d.answer.at));
  }
  const card = h("article", { class: "dispute", "data-id": d.id },
    h("h2", {}, h("span", { class: "badge " + d.state }, t("disputeState." + d.state)), " ", t("dispute.on", { kind: d.lineKind ? t("kind." + d.lineKind) : t("dispute.missing") })), dl);
  if (d.state === "open" && desk()) card.append(answerForm(d, again));
  return card;
}

function answerForm(d, again) {
  const name = "answer-" + d.id.replace(/[^\w-]/g, "");
  const form = h("form", { class: "answer", novalidate: true },
    field("decision", t("dispute.decision"), { form: name, required: true, options: [["", t("move.choose")], ...["accepted", "partly_accepted", "rejected"].map((s) => [s, t("disputeState." + s)])] }),
    field("amount.amount", t("dispute.amount", { currency: d.claimed?.currency || "BRL" }), { form: name, inputmode: "decimal" }),
    field("reason", t("dispute.reason"), { form: name, required: true, multiline: true }),
    h("button", { type: "submit" }, t("dispute.answerSubmit")));
  const out = h("div", { "aria-live": "polite" });
  saving(form, out, async (f) => {
    const body = { decision: f.decision || "", reason: f.reason || "" };
    if (f.amount?.amount) body.amount = { amount: cents(f.amount.amount, d.claimed?.currency || "BRL"), currency: d.claimed?.currency || "BRL" };
    await call("POST", "/v1/commission-disputes/" + encodeURIComponent(d.id) + "/answer", body);
    again();
  });
  return h("section", {}, h("h3", {}, t("dispute.answerTitle")), form, out);
}
