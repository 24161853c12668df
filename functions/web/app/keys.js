// The admin's API keys: every key without its secret, a new one shown once,
// revoking for good. The API checks every call again.
import { h, field } from "./dom.js";
import { t, call, status, when, problemText } from "./app.js";
import { saving, secretOnce, confirming } from "./widgets.js";

const roles = ["partner", "rep", "manager", "finance", "admin"];

export function keysView(main) {
  const again = () => { main.replaceChildren(); keysView(main); };
  const list = h("div", { id: "keys" }, status(t("loading")));
  const form = h("div", {}, status(t("loading")));
  main.append(h("h1", {}, t("keys.title")), h("p", { class: "hint" }, t("keys.hint")), form, h("h2", {}, t("keys.all")), list);
  call("GET", "/v1/admin/partners").then((page) => form.replaceChildren(newKeyForm(page.items, again)))
    .catch((e) => form.replaceChildren(status(problemText(e), "error")));
  call("GET", "/v1/admin/keys").then((page) => {
    if (!page.items.length) { list.replaceChildren(status(t("keys.empty"))); return; }
    const out = h("div", { id: "key-result", "aria-live": "polite" });
    const rows = page.items
      .sort((a, b) => (b.createdAt || "").localeCompare(a.createdAt || ""))
      .map((k) => h("tr", { "data-id": k.id },
        h("td", {}, k.name || "—"),
        h("td", {}, t("role." + k.role)),
        h("td", {}, k.partnerId || k.subjectId || "—"),
        h("td", {}, h("span", { class: "badge " + k.status }, t("keyState." + k.status))),
        h("td", {}, when(k.createdAt)),
        h("td", {}, k.lastUsedAt ? when(k.lastUsedAt) : t("keys.neverUsed")),
        h("td", {}, k.status === "revoked" ? "" : confirming(t("keys.revoke"), t("keys.confirmRevoke"), async () => {
          await call("POST", "/v1/admin/keys/" + encodeURIComponent(k.id) + "/revoke");
          again();
        }, out))));
    list.replaceChildren(out, h("table", {},
      h("thead", {}, h("tr", {}, ...["keys.name", "keys.role", "keys.for", "keys.state", "partners.created", "keys.lastUsed", "partners.actions"].map((c) => h("th", { scope: "col" }, t(c))))),
      h("tbody", {}, ...rows)));
  }).catch((e) => list.replaceChildren(status(problemText(e), "error")));
}

function newKeyForm(partners, again) {
  const form = h("form", { id: "key-form", novalidate: true },
    field("role", t("keys.role"), { form: "key", required: true, options: roles.map((r) => [r, t("role." + r)]) }),
    field("partnerId", t("keys.partnerId"), { form: "key", options: [["", t("keys.noPartner")], ...partners.map((p) => [p.id, p.name])] }),
    field("subjectId", t("keys.subjectId"), { form: "key" }),
    field("name", t("keys.name"), { form: "key" }),
    h("button", { type: "submit" }, t("keys.create")));
  const out = h("div", { id: "new-key-result", "aria-live": "polite" });
  saving(form, out, async (body) => {
    const r = await call("POST", "/v1/admin/keys", body);
    form.reset();
    out.replaceChildren(status(t("keys.created", { role: t("role." + r.key.role) }), "ok"), secretOnce(r.apiKey, again));
  });
  return h("section", { "aria-labelledby": "new-key-title" }, h("h2", { id: "new-key-title" }, t("keys.new")), form, out);
}
