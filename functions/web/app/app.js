// The web app: one page, views by the URL's hash, every string from the
// catalogue of the chosen language, every value written as text (never as
// HTML). Tokens live in this tab's memory only: a reload signs out.
import { h, field, formData, showErrors, clearErrors } from "./dom.js";

// A role's screens load when first opened, so the sign-in page fetches only
// this file and dom.js.
const lazy = (file, name) => (main, args) => import("./" + file).then((m) => m[name](main, args))
  .catch((e) => main.append(status(e instanceof Problem ? problemText(e) : t("error.network"), "error")));

const root = location.pathname.replace(/\/app\/?[^/]*$/, "");
const $ = (id) => document.getElementById(id);
const zone = "America/Sao_Paulo";
// São Paulo has kept -03:00 all year since 2019: a time typed in the page is
// read in that zone, whatever the device's.
const zoneOffset = "-03:00";
const zoneOffsetMs = -3 * 3600e3;

let lang = "pt-BR";
let messages = {};
export let session = null; // {idToken, refreshToken, claims, timer}

// ---- language ------------------------------------------------------------

export function t(key, vars = {}) {
  const s = messages[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}

async function loadLanguage(l) {
  const res = await fetch(root + "/app/" + l + ".json");
  if (!res.ok) throw new Error("catalogue " + l + ": HTTP " + res.status);
  messages = await res.json();
  lang = l;
  document.documentElement.lang = l;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $("nav").setAttribute("aria-label", t("nav"));
  document.title = t("brand");
}

export const when = (iso) => iso ? new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short", timeZone: zone }).format(new Date(iso)) : "—";

// ---- session and API -----------------------------------------------------

function claimsOf(jwt) {
  const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
}

// The role is shown for navigation only: the API decides what is allowed.
export function roleOf(claims) {
  const g = claims["cognito:groups"];
  const groups = Array.isArray(g) ? g : String(g || "").replace(/[[\]"]/g, "").split(/[ ,]+/);
  return ["partner", "rep", "manager", "finance", "admin"].find((r) => groups.includes(r)) || "";
}

function startSession(tokens) {
  if (session?.timer) clearTimeout(session.timer);
  const refreshToken = tokens.refreshToken || session?.refreshToken;
  session = { idToken: tokens.idToken, refreshToken, claims: claimsOf(tokens.idToken) };
  // Renew a minute before the ID token expires.
  session.timer = setTimeout(renew, Math.max(30, tokens.expiresIn - 60) * 1000);
}

async function renew() {
  if (!session) return;
  try {
    startSession(await call("POST", "/app/session/refresh", { refreshToken: session.refreshToken }, false));
  } catch (e) {
    // Offline or a server hiccup: try again shortly, while the token lasts.
    const left = session.claims.exp * 1000 - Date.now();
    if ((e.status === 0 || e.status >= 500) && left > 20000) session.timer = setTimeout(renew, 15000);
    else endSession("expired");
  }
}

function endSession(reason) {
  if (session?.timer) clearTimeout(session.timer);
  session = null;
  render(reason === "expired" ? "#/entrar?expirou" : "#/entrar");
}

export class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || "HTTP " + status);
    this.status = status;
    this.body = body;
  }
}

export async function call(method, path, body, authenticated = true, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body instanceof ArrayBuffer) {
    init.body = body; // a file, its Content-Type in headers
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (authenticated) init.headers.Authorization = "Bearer " + session.idToken;
  let res;
  try {
    res = await fetch(root + path, init);
  } catch {
    throw new Problem(0, { title: t("error.network") });
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401 && authenticated) {
    endSession("expired");
    throw new Problem(401, data);
  }
  if (!res.ok) throw new Problem(res.status, data);
  return data;
}

// ---- views ---------------------------------------------------------------

const views = {
  entrar: { roles: null, render: signInView },
  "leads/novo": { roles: ["partner"], render: newLeadView, nav: "nav.newLead" },
  planilha: { roles: ["partner"], render: lazy("upload.js", "uploadView"), nav: "nav.upload" },
  fila: { roles: ["rep"], render: queueView, nav: "nav.queue" },
  leads: { roles: ["partner", "manager", "admin"], render: leadsView, nav: "nav.leads" },
  parados: { roles: ["partner", "manager", "admin"], render: lazy("team.js", "staleView"), nav: "nav.stale" },
  parceiros: { roles: ["manager", "admin"], render: lazy("team.js", "partnersView"), nav: "nav.partners" },
  comissoes: { roles: ["partner", "finance", "admin"], render: lazy("money.js", "statementView"), nav: "nav.commissions" },
  planos: { roles: ["finance", "admin"], render: lazy("plans.js", "plansView"), nav: "nav.plans" },
  contestacoes: { roles: ["partner", "finance", "admin"], render: lazy("money.js", "disputesView"), nav: "nav.disputes" },
  integracoes: { roles: ["partner"], render: lazy("integrations.js", "integrationsView"), nav: "nav.integrations" },
  roteamento: { roles: ["manager", "admin"], render: lazy("routing.js", "rulesView"), nav: "nav.rules" },
  vendedores: { roles: ["manager", "admin"], render: lazy("setup.js", "repsView"), nav: "nav.reps" },
  sla: { roles: ["manager", "admin"], render: lazy("setup.js", "slaView"), nav: "nav.sla" },
  canais: { roles: ["manager", "admin"], render: lazy("setup.js", "channelsView"), nav: "nav.channels" },
  chaves: { roles: ["admin"], render: lazy("keys.js", "keysView"), nav: "nav.keys" },
  lead: { roles: ["partner", "rep", "manager", "admin"], render: leadView },
};

function home() {
  const role = roleOf(session.claims);
  if (role === "partner") return "#/leads/novo";
  if (role === "rep") return "#/fila";
  if (role === "finance") return "#/comissoes";
  return views.leads.roles.includes(role) ? "#/leads" : "#/inicio";
}

function render(hash) {
  if (hash && location.hash !== hash) { location.hash = hash; return; }
  const [path, query] = location.hash.replace(/^#\//, "").split("?");
  const parts = path.split("/");
  const name = views[path] ? path : parts[0] === "leads" && parts[1] ? "lead" : path;
  const view = views[name];
  const main = $("view");
  if (!session && name !== "entrar") { render("#/entrar"); return; }
  if (session && (name === "entrar" || !view)) {
    if (name === "inicio") { nav(); main.replaceChildren(h("h1", {}, t("home.title")), h("p", {}, t("home.noScreens"))); return; }
    render(home());
    return;
  }
  nav();
  main.replaceChildren();
  if (view.roles && !view.roles.includes(roleOf(session.claims))) {
    main.append(h("h1", {}, t("forbidden.title")), h("p", {}, t("forbidden.body")));
    return;
  }
  return Promise.resolve(view.render(main, { id: parts[1], query: new URLSearchParams(query || "") })).finally(() => main.focus());
}

// typed is what the person has entered in the view's fields, by id, so a
// new language can show it again (restore).
function typed() {
  return [...$("view").querySelectorAll("input[id], select[id], textarea[id]")].filter((el) => el.type !== "file")
    .map((el) => [el.id, el.type === "checkbox" ? el.checked : el.value]);
}

function restore(kept) {
  for (const [id, v] of kept) {
    const el = document.getElementById(id);
    if (el && el.type === "checkbox") el.checked = v;
    else if (el) el.value = v;
  }
}

function nav() {
  const el = $("nav");
  el.replaceChildren();
  el.hidden = !session;
  $("signout").hidden = !session;
  $("who").textContent = session ? session.claims.email + " · " + t("role." + roleOf(session.claims)) : "";
  if (!session) return;
  const role = roleOf(session.claims);
  for (const [path, v] of Object.entries(views)) {
    if (!v.nav || !v.roles.includes(role)) continue;
    const a = h("a", { href: "#/" + path }, t(v.nav));
    if (location.hash === "#/" + path) a.setAttribute("aria-current", "page");
    el.append(a);
  }
}

export function status(text, kind = "") {
  return h("p", { class: "status " + kind, role: kind === "error" ? "alert" : "status" }, text);
}

function signInView(main, { query }) {
  const email = field("email", t("signIn.email"), { type: "email", autocomplete: "username", required: true });
  const password = field("password", t("signIn.password"), { type: "password", autocomplete: "current-password", required: true });
  const out = h("div", { id: "signin-status" });
  const form = h("form", { id: "signin", novalidate: true }, email, password, h("button", { type: "submit" }, t("signIn.submit")), out);
  if (query.has("expirou")) out.append(status(t("signIn.expired")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.replaceChildren(status(t("signIn.working")));
    try {
      startSession(await call("POST", "/app/session", formData(form), false));
      render(home());
    } catch (e) {
      out.replaceChildren();
      if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
    }
  });
  main.append(h("h1", {}, t("signIn.title")), form);
}

// A field error in words, by its code; the API's English text otherwise.
export function fieldMessage(err) {
  const key = "field." + err.code;
  return messages[key] ? t(key) : err.message;
}

export function problemText(e) {
  const slug = (e.body?.type || "").split(":").pop();
  const key = "problem." + slug;
  if (e.status === 0) return t("error.network");
  return messages[key] ? t(key) : t("error.generic", { detail: e.message });
}

function newLeadView(main) {
  const sizes = ["", "1-9", "10-49", "50-99", "100-499", "500+"];
  const form = h("form", { id: "lead-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, t("lead.contact")),
      field("contact.name", t("lead.contactName"), { required: true, autocomplete: "name" }),
      field("contact.email", t("lead.email"), { type: "email", autocomplete: "email" }),
      field("contact.phone", t("lead.phone"), { type: "tel", autocomplete: "tel" })),
    h("fieldset", {}, h("legend", {}, t("lead.company")),
      field("company.name", t("lead.companyName"), { required: true, autocomplete: "organization" }),
      field("company.domain", t("lead.domain")),
      field("company.taxId", t("lead.taxId"), { inputmode: "numeric" }),
      field("company.size", t("lead.size"), { options: sizes.map((s) => [s, s || t("lead.sizeUnknown")]) })),
    h("fieldset", {}, h("legend", {}, t("lead.location")),
      field("location.country", t("lead.country"), { value: "BR", required: true }),
      field("location.state", t("lead.state")),
      field("location.city", t("lead.city")),
      field("location.postalCode", t("lead.postalCode"), { inputmode: "numeric" })),
    field("interest", t("lead.interest")),
    field("notes", t("lead.notes"), { multiline: true }),
    field("consent.lgpd", t("lead.consent"), { type: "checkbox", required: true }),
    h("button", { type: "submit" }, t("lead.submit")));
  const out = h("div", { id: "lead-result", "aria-live": "polite" });
  let idempotencyKey = crypto.randomUUID();
  form.addEventListener("input", () => { idempotencyKey = crypto.randomUUID(); });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = formData(form);
    body.source = "form";
    body.consent = { lgpd: body.consent?.lgpd === true };
    out.replaceChildren(status(t("lead.sending")));
    try {
      // The same key on a retried click: the API answers the first receipt.
      const r = await call("POST", "/v1/leads", body, true, { "Idempotency-Key": idempotencyKey });
      out.replaceChildren(status(t("lead.accepted", { id: r.id }), "ok"),
        h("a", { href: "#/leads/" + r.id, id: "accepted-link" }, t("lead.open")));
      form.reset();
      idempotencyKey = crypto.randomUUID();
    } catch (e) {
      out.replaceChildren();
      const slug = (e.body?.type || "").split(":").pop();
      if (slug === "duplicate-lead") {
        out.append(status(t("lead.duplicate"), "warn"), h("a", { href: "#/leads/" + e.body.existingLeadId }, t("lead.open")));
      } else if (!showErrors(form, e.body?.errors, fieldMessage)) {
        out.append(status(problemText(e), "error"));
      } else {
        out.append(status(t("lead.fixFields"), "error"));
      }
    }
  });
  main.append(h("h1", {}, t("lead.title")), h("p", { class: "hint" }, t("lead.hint")), form, out);
}

const statuses = ["new", "assigned", "contacted", "qualified", "proposal", "won", "lost", "unreachable", "recycled", "junk"];

function leadsView(main, { query }) {
  const filter = h("form", { id: "filter", class: "filters" },
    field("status", t("leads.status"), { options: [["", t("leads.any")], ...statuses.map((s) => [s, t("status." + s)])], value: query.get("status") || "" }),
    h("button", { type: "submit" }, t("leads.filter")));
  const list = h("div", { id: "leads" }, status(t("loading")));
  filter.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new URLSearchParams(Object.entries(formData(filter)));
    location.hash = "#/leads" + (f.size ? "?" + f : "");
  });
  main.append(h("h1", {}, t("leads.title")), filter, list);
  // The team lists one partner's leads at a time; a partner, its own.
  const partner = roleOf(session.claims) === "partner" ? Promise.resolve(null) : import("./team.js").then((m) => m.partnerPicker(filter, query.get("partner")));
  partner.then((id) => {
    if (id === "") { list.replaceChildren(status(t("leads.noPartners"))); return null; }
    const q = new URLSearchParams({ limit: "50" });
    if (id) q.set("partnerId", id);
    if (query.get("status")) q.set("status", query.get("status"));
    return call("GET", "/v1/leads?" + q).then((page) => {
      if (!page.items.length) { list.replaceChildren(status(t("leads.empty"))); return; }
      const rows = page.items.map((l) => h("tr", { "data-id": l.id },
        h("td", {}, h("a", { href: "#/leads/" + l.id }, l.company.name)),
        h("td", {}, l.contact.name),
        h("td", {}, h("span", { class: "badge " + l.status }, t("status." + l.status))),
        h("td", {}, when(l.receivedAt)),
        h("td", {}, when(l.updatedAt))));
      list.replaceChildren(h("table", {},
        h("thead", {}, h("tr", {}, ...["leads.company", "leads.contact", "leads.status", "leads.received", "leads.updated"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", {}, ...rows)));
    });
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function leadView(main, { id }) {
  const body = h("div", { id: "lead" }, status(t("loading")));
  const again = h("button", { type: "button", id: "refresh", class: "secondary" }, t("lead.refresh"));
  again.addEventListener("click", () => { main.replaceChildren(); leadView(main, { id }); });
  const role = roleOf(session.claims);
  const back = role === "rep" ? h("a", { href: "#/fila" }, t("queue.back")) : h("a", { href: "#/leads" }, t("lead.back"));
  main.append(h("p", { class: "bar" }, back, again), body);
  Promise.all([call("GET", "/v1/leads/" + encodeURIComponent(id)), call("GET", "/v1/leads/" + encodeURIComponent(id) + "/history"), import("./touch.js")])
    .then(([l, hist, { touchForm, touchText }]) => {
      const dl = h("dl", {});
      const add = (k, v) => { if (v) dl.append(h("dt", {}, t(k)), h("dd", {}, v)); };
      add("lead.contactName", l.contact.name);
      add("lead.email", l.contact.email);
      add("lead.phone", l.contact.phone);
      add("lead.interest", l.interest);
      add("leads.received", when(l.receivedAt));
      add("lead.owner", l.ownerId);
      add("lead.touches", String(l.touches ?? 0));
      // The next step the team owes the lead: first contact, then each follow-up.
      add("lead.nextDue", l.nextFollowUpAt || l.firstContactDueAt ? when(l.nextFollowUpAt || l.firstContactDueAt) : "");
      // Partners get the partner-safe view; the team the full entries.
      // A team entry that is not a status change (a reassignment, a
      // reminder) says what happened beside the status it left.
      const items = (hist.partnerView || hist.entries || []).map((e) => h("li", {},
        h("time", { datetime: e.at }, when(e.at)), " ",
        e.to ? h("span", { class: "badge " + e.to }, t("status." + e.to)) : "",
        e.change && (!e.to || !["created", "status_changed"].includes(e.change)) ? " " + t("change." + e.change) : "",
        e.touch ? ": " + touchText(e.touch) : "",
        e.change && e.owner && e.change !== "status_changed" ? " (" + e.owner + ")" : "",
        e.reason ? " — " + e.reason : ""));
      body.replaceChildren(
        h("h1", {}, l.company.name),
        h("p", {}, h("span", { class: "badge " + l.status, id: "lead-status" }, t("status." + l.status))),
        dl,
        h("h2", {}, t("lead.timeline")),
        items.length ? h("ol", { class: "timeline", id: "timeline" }, ...items) : status(t("lead.noHistory")));
      const reload = () => { main.replaceChildren(); leadView(main, { id }); };
      if (!["rep", "manager", "admin"].includes(role)) return;
      loadLifecycle().then(() => {
        const worked = lifecycle.reassignable.includes(l.status);
        if (worked) touchForm(body, l, reload, lifecycle.touch);
        moveForm(body, l, reload);
        if (role === "rep") return;
        return import("./team.js").then(({ reassignForm, routingWhy }) => (worked ? reassignForm(body, l, reload) : Promise.resolve()).then(() => routingWhy(body, l)));
      }).catch((e) => body.append(status(problemText(e), "error")));
    })
    .catch((e) => body.replaceChildren(h("h1", {}, t(e.status === 404 ? "lead.notFound" : "lead.error")), status(problemText(e), "error")));
}

// The rep's queue: its open leads, what is due first first, with the SLA
// state in words.
function queueView(main) {
  const list = h("div", { id: "queue" }, status(t("loading")));
  const again = h("button", { type: "button", id: "refresh", class: "secondary" }, t("lead.refresh"));
  again.addEventListener("click", () => { main.replaceChildren(); queueView(main); });
  main.append(h("h1", {}, t("queue.title")), h("p", { class: "bar" }, h("span", { class: "hint" }, t("queue.hint")), again), list);
  call("GET", "/v1/queue").then((page) => {
    if (!page.items.length) { list.replaceChildren(status(t("queue.empty"))); return; }
    const now = Date.now();
    const rows = page.items.map((l) => h("tr", { "data-id": l.id },
      h("td", {}, h("a", { href: "#/leads/" + l.id }, l.company.name)),
      h("td", {}, l.contact.name),
      h("td", {}, h("span", { class: "badge " + l.status }, t("status." + l.status))),
      h("td", {}, dueText(l, now))));
    list.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, ...["leads.company", "leads.contact", "leads.status", "queue.due"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function dueText(l, now) {
  if (!l.dueAt) return h("span", { class: "due" }, t("queue.nothingDue"));
  const mins = Math.round((new Date(l.dueAt).getTime() - now) / 60000);
  const span = Math.abs(mins) < 120 ? t("queue.minutes", { n: Math.abs(mins) }) : t("queue.hours", { n: Math.round(Math.abs(mins) / 60) });
  const what = l.firstContactAt ? "queue.followUp" : "queue.firstContact";
  return h("span", { class: "due " + (mins < 0 ? "overdue" : mins < 60 ? "soon" : "") },
    t(what), " · ", mins < 0 ? t("queue.late", { span }) : t("queue.in", { span }), " (", when(l.dueAt), ")");
}

let lifecycle = null;

// loadLifecycle reads the moves package lead defines (app/lifecycle.json).
async function loadLifecycle() {
  if (lifecycle) return;
  const res = await fetch(root + "/app/lifecycle.json");
  if (!res.ok) throw new Problem(res.status, {});
  lifecycle = await res.json();
}

// events are the event types a partner's webhooks and e-mails may name.
export async function events() {
  await loadLifecycle();
  return lifecycle.events;
}

// moveForm offers the lead's next statuses; the API checks the move again.
function moveForm(body, l, done) {
  const next = lifecycle.next[l.status] || [];
  if (!next.length) return;
  const deal = h("fieldset", { id: "deal", hidden: true }, h("legend", {}, t("move.deal")),
    field("deal.value.amount", t("move.dealValue"), { required: true, inputmode: "decimal" }),
    field("deal.contractStart", t("move.contractStart"), { type: "date", required: true }));
  const form = h("form", { id: "move", novalidate: true },
    field("status", t("move.to"), { options: [["", t("move.choose")], ...next.map((s) => [s, t("status." + s)])], required: true }),
    field("reason", t("move.reason")),
    field("note", t("move.note"), { multiline: true }),
    field("nextFollowUpAt", t("move.followUp"), { type: "datetime-local" }),
    deal,
    h("button", { type: "submit" }, t("move.submit")));
  const out = h("div", { id: "move-result", "aria-live": "polite" });
  const reasonLabel = form.querySelector('label[for="f-reason"]');
  form.elements.status.addEventListener("change", () => {
    const to = form.elements.status.value;
    deal.hidden = to !== "won";
    reasonLabel.textContent = t(lifecycle.reasonRequired.includes(to) ? "move.reasonRequired" : "move.reason");
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const f = formData(form);
    const req = { status: f.status || "", reason: f.reason, note: f.note, version: l.version };
    if (f.nextFollowUpAt) req.nextFollowUpAt = fromLocalTime(f.nextFollowUpAt);
    if (f.status === "won") {
      req.deal = { value: { amount: cents(f.deal?.value?.amount), currency: "BRL" }, contractStart: f.deal?.contractStart || "" };
    }
    out.replaceChildren(status(t("move.sending")));
    try {
      await call("POST", "/v1/leads/" + encodeURIComponent(l.id) + "/status", req);
      done();
    } catch (e) {
      out.replaceChildren();
      if (e.status === 409 || e.status === 412) out.append(status(t("move.conflict"), "error"));
      else if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
      else out.append(status(t("lead.fixFields"), "error"));
    }
  });
  body.append(h("h2", {}, t("move.title")), form, out);
}

// localTime is an ISO time as a datetime-local value in Brasília time.
export function localTime(d) {
  return new Date(d.getTime() + zoneOffsetMs).toISOString().slice(0, 16);
}

// fromLocalTime reads a datetime-local value as Brasília time.
export function fromLocalTime(v) {
  return new Date(v + ":00" + zoneOffset).toISOString();
}

// cents reads "1.234,56" (or "1234.56") as the currency's minor units; 0
// when unreadable, which the API refuses next to the field.
export function cents(text = "", currency = "BRL") {
  const s = text.replace(/[^\d,.]/g, "");
  const normal = s.includes(",") ? s.replace(/\./g, "").replace(",", ".") : s;
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  const n = Math.round(parseFloat(normal) * 10 ** digits);
  return Number.isFinite(n) ? n : 0;
}

// ---- start ---------------------------------------------------------------

async function start() {
  const saved = document.cookie.match(/(?:^|; )lang=([^;]+)/)?.[1];
  const chosen = saved === "en" ? "en" : "pt-BR";
  $("lang").value = chosen;
  try {
    await loadLanguage(chosen);
  } catch (e) {
    $("view").replaceChildren(h("p", { class: "status error", role: "alert" }, "Não foi possível carregar o aplicativo / The app could not load: " + e.message));
    return;
  }
  $("lang").addEventListener("change", async () => {
    document.cookie = "lang=" + $("lang").value + "; path=/; max-age=31536000; SameSite=Strict";
    const kept = typed();
    await loadLanguage($("lang").value);
    await render();
    restore(kept);
  });
  $("signout").addEventListener("click", async () => {
    const token = session?.refreshToken;
    endSession();
    if (token) await call("POST", "/app/session/revoke", { refreshToken: token }, false).catch(() => {});
  });
  const online = () => { $("offline").hidden = navigator.onLine; };
  addEventListener("online", online);
  addEventListener("offline", online);
  online();
  addEventListener("hashchange", () => render());
  render();
}

start();
