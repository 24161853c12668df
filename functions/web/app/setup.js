// The sales team's setup for managers and admins: reps (hours, time off,
// capacity, on call), the follow-up SLA policies of each partner program
// and the team's chat channels. Managers read them; admins also write them
// (the API decides).
import { h } from "./dom.js";
import { t, call, status, when, problemText, session, roleOf, events } from "./app.js";
import { docEditor } from "./widgets.js";

const admin = () => roleOf(session.claims) === "admin";
const table = (id, heads, rows) => h("table", { id },
  h("thead", {}, h("tr", {}, ...heads.map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, ...rows));
const hours = (w = {}) => w.start ? t("reps.hours", { days: (w.weekdays || []).map((d) => t("weekday." + d)).join(" "), start: w.start, end: w.end, zone: w.timeZone || "" }) : t("reps.anyTime");

export function repsView(main) {
  const again = () => { main.replaceChildren(); repsView(main); };
  const list = h("div", { id: "reps" }, status(t("loading")));
  main.append(h("h1", {}, t("reps.title")), h("p", { class: "hint" }, t(admin() ? "reps.hintAdmin" : "reps.hint")), list);
  Promise.all([call("GET", "/v1/admin/reps"), call("GET", "/v1/admin/teams")]).then(([reps, teams]) => {
    const now = Date.now();
    const away = (r) => (r.outOfOffice || []).find((o) => new Date(o.to).getTime() > now);
    const rows = reps.items.sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id)).map((r) => h("tr", { "data-rep": r.id },
      h("td", {}, r.name || r.id, h("br", {}), h("code", {}, r.id)),
      h("td", {}, t(r.active ? "reps.active" : "reps.inactive"), r.onCall ? " · " + t("reps.onCall") : "", r.tier ? " · " + r.tier : ""),
      h("td", {}, t("reps.capacity", { open: r.capacity?.maxOpen ?? "—", daily: r.capacity?.dailyCap || "—" })),
      h("td", {}, hours(r.workingHours)),
      h("td", {}, (r.territories || []).join(", ") || t("reps.anywhere")),
      h("td", {}, away(r) ? t("reps.away", { from: when(away(r).from), to: when(away(r).to) }) : "—")));
    const teamRows = (teams.items || []).map((tm) => h("tr", {}, h("td", {}, tm.name || tm.id), h("td", {}, (tm.members || []).join(", "))));
    list.replaceChildren(
      rows.length ? table("reps-table", ["reps.rep", "reps.state", "reps.load", "reps.workingHours", "reps.territories", "reps.outOfOffice"], rows) : status(t("reps.empty")),
      h("h2", {}, t("reps.teams")),
      teamRows.length ? table("teams-table", ["reps.team", "reps.members"], teamRows) : status(t("reps.noTeams")));
    if (!admin()) return;
    list.append(docEditor({
      name: "rep", prefix: "reps", items: reps.items, idOf: (r) => r.id, labelOf: (r) => (r.name || r.id) + " (" + r.id + ")", again,
      template: { name: "", active: true, weight: 1, capacity: { maxOpen: 30 }, workingHours: { timeZone: "America/Sao_Paulo", calendar: "BR", weekdays: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" } },
      save: async (id, rep) => {
        const saved = await call("PUT", "/v1/admin/reps/" + encodeURIComponent(id), { ...rep, id });
        return t("reps.saved", { name: saved.name || saved.id });
      },
    }));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

export function slaView(main) {
  const again = () => { main.replaceChildren(); slaView(main); };
  const list = h("div", { id: "sla" }, status(t("loading")));
  main.append(h("h1", {}, t("sla.title")), h("p", { class: "hint" }, t("sla.hint")), list);
  call("GET", "/v1/admin/sla-policies").then((r) => {
    const rows = r.items.map((p) => h("tr", { "data-program": p.program },
      h("td", {}, h("code", {}, p.program), p.version ? " · " + t("plans.version", { n: p.version }) : " · " + t("sla.builtIn")),
      h("td", {}, hours(p.workingHours)),
      h("td", {}, h("ul", { class: "plain" }, ...(p.stages || []).map((s) => h("li", {}, t("status." + s.status), ": ",
        s.steps.map((st) => t("sla.step." + st.action) + " " + t("sla.after", { after: st.after })).join(", "))))),
      h("td", {}, String(p.minTouchesBeforeUnreachable || 0)),
      h("td", {}, (p.escalateTo || []).join(", ") || "—")));
    list.replaceChildren(table("sla-table", ["sla.program", "reps.workingHours", "sla.ladder", "sla.minTouches", "sla.escalateTo"], rows));
    if (!admin()) return;
    list.append(docEditor({
      name: "sla", prefix: "sla", items: r.items, idOf: (p) => p.program, labelOf: (p) => p.program, strip: ["program", "version", "updatedAt"], again,
      template: (({ program, version, updatedAt, ...rest }) => rest)(r.items[0] || { workingHours: {}, stages: [] }),
      save: async (program, policy) => {
        const saved = await call("PUT", "/v1/admin/sla-policies/" + encodeURIComponent(program), policy);
        return t("sla.saved", { program: saved.program, n: saved.version });
      },
    }));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

export function channelsView(main) {
  const again = () => { main.replaceChildren(); channelsView(main); };
  const list = h("div", { id: "channels" }, status(t("loading")));
  main.append(h("h1", {}, t("channels.title")), h("p", { class: "hint" }, t("channels.hint")), list);
  Promise.all([call("GET", "/v1/admin/channels"), events()]).then(([r, types]) => {
    // An incoming-webhook URL is a secret: the list shows its host only.
    const host = (u) => { try { return new URL(u).host; } catch { return "—"; } };
    const rows = r.items.map((c) => h("tr", { "data-channel": c.id },
      h("td", {}, h("code", {}, c.id)), h("td", {}, t("channels.kind." + c.kind)), h("td", {}, host(c.url)),
      h("td", {}, c.events?.length ? c.events.map((e) => t("event." + e)).join(", ") : t("hooks.allEvents"))));
    list.replaceChildren(rows.length ? table("channels-table", ["channels.id", "channels.kindLabel", "channels.host", "hooks.events"], rows) : status(t("channels.empty")));
    if (!admin()) return;
    list.append(docEditor({
      name: "channel", prefix: "channels", items: r.items, idOf: (c) => c.id, labelOf: (c) => c.id, again,
      template: { kind: "slack", url: "https://hooks.slack.com/services/…", events: types.filter((e) => e !== "lead.touched") },
      save: async (id, c) => {
        const saved = await call("PUT", "/v1/admin/channels/" + encodeURIComponent(id), { ...c, id });
        return t("channels.saved", { id: saved.id });
      },
    }));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}
