// A partner's integrations: the e-mails it gets and the webhooks its own
// CRM receives, each secret shown once. The API checks every call again.
import { h, field, checkGroup } from "./dom.js";
import { t, call, status, when, problemText, events } from "./app.js";
import { saving, secretOnce, confirming } from "./widgets.js";

export function integrationsView(main) {
  main.append(h("h1", {}, t("integrations.title")));
  const again = () => { main.replaceChildren(); integrationsView(main); };
  const prefs = h("section", { id: "prefs", "aria-labelledby": "prefs-title" }, h("h2", { id: "prefs-title" }, t("prefs.title")), status(t("loading")));
  const hooks = h("section", { id: "webhooks", "aria-labelledby": "hooks-title" }, h("h2", { id: "hooks-title" }, t("hooks.title")), status(t("loading")));
  main.append(prefs, hooks);
  events().then((types) => {
    call("GET", "/v1/notification-preferences").then((p) => prefsForm(prefs, p, types))
      .catch((e) => prefs.replaceChildren(prefs.firstChild, status(problemText(e), "error")));
    call("GET", "/v1/webhooks").then((r) => webhooksList(hooks, r.items, types, again))
      .catch((e) => hooks.replaceChildren(hooks.firstChild, status(problemText(e), "error")));
  }).catch((e) => main.append(status(problemText(e), "error")));
}

const eventWord = (e) => t("event." + e);

function prefsForm(section, p, types) {
  const form = h("form", { id: "prefs-form", novalidate: true },
    field("mode", t("prefs.mode"), { form: "prefs", options: ["immediate", "digest", "off"].map((m) => [m, t("prefs.mode." + m)]), value: p.mode || "off" }),
    field("email", t("prefs.email"), { form: "prefs", type: "email", autocomplete: "email", value: p.email || "" }),
    field("language", t("prefs.language"), { form: "prefs", options: [["pt-BR", "Português"], ["en", "English"]], value: p.language || "pt-BR" }),
    checkGroup("events", t("prefs.events"), types, eventWord, p.events || [], { form: "prefs", hint: t("prefs.eventsHint") }),
    h("button", { type: "submit" }, t("prefs.save")));
  const out = h("div", { id: "prefs-result", "aria-live": "polite" });
  saving(form, out, async (body) => {
    await call("PUT", "/v1/notification-preferences", body);
    out.replaceChildren(status(t("prefs.saved"), "ok"));
  });
  section.replaceChildren(section.firstChild, form, out);
}

function webhooksList(section, items, types, again) {
  const out = h("div", { id: "hook-result", "aria-live": "polite" });
  const rows = items.map((w) => {
    const rotate = h("button", { type: "button", class: "secondary rotate" }, t("hooks.rotate"));
    rotate.addEventListener("click", async () => {
      try {
        const r = await call("POST", "/v1/webhooks/" + encodeURIComponent(w.id) + "/rotate");
        out.replaceChildren(status(t("hooks.rotated", { until: when(r.previousSecretsExpireAt) }), "ok"), secretOnce(r.secret, again));
      } catch (e) { out.replaceChildren(status(problemText(e), "error")); }
    });
    return h("tr", { "data-id": w.id },
      h("td", { class: "url" }, w.url),
      h("td", {}, w.events?.length ? w.events.map(eventWord).join(", ") : t("hooks.allEvents")),
      h("td", {}, when(w.createdAt)),
      h("td", { class: "actions" }, rotate, " ", confirming(t("hooks.delete"), t("hooks.confirmDelete"), async () => {
        await call("DELETE", "/v1/webhooks/" + encodeURIComponent(w.id));
        again();
      }, out)));
  });
  const list = items.length ? h("table", {},
    h("thead", {}, h("tr", {}, ...["hooks.url", "hooks.events", "partners.created", "partners.actions"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...rows)) : status(t("hooks.empty"));
  const form = h("form", { id: "hook-form", novalidate: true },
    field("url", t("hooks.url"), { form: "hook", type: "url", required: true, inputmode: "url" }),
    checkGroup("events", t("hooks.events"), types, eventWord, [], { form: "hook", hint: t("hooks.eventsHint") }),
    h("button", { type: "submit" }, t("hooks.add")));
  saving(form, out, async (body) => {
    const r = await call("POST", "/v1/webhooks", body);
    form.reset();
    out.replaceChildren(status(t("hooks.added", { url: r.webhook.url }), "ok"), secretOnce(r.secret, again));
  });
  section.replaceChildren(section.firstChild, h("p", { class: "hint" }, t("hooks.hint")), list, out, h("h3", {}, t("hooks.new")), form);
}
