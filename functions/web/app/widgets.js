// Pieces the screens share: a form wired to a request, a secret shown
// once, a button that asks again before it acts.
import { h, field, formData, showErrors, clearErrors } from "./dom.js";
import { t, status, problemText, fieldMessage } from "./app.js";

// saving wires a form to a request: field errors next to their fields, the
// API's problem in words otherwise.
export function saving(form, out, send) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.replaceChildren(status(t("move.sending")));
    try {
      await send(formData(form));
    } catch (e) {
      out.replaceChildren();
      if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
      else out.append(status(t("lead.fixFields"), "error"));
    }
  });
}

// secretOnce shows a secret the store keeps only hashed, with the button
// that leaves it.
export function secretOnce(secret, done, { id = "new-secret", note = "secret.once" } = {}) {
  const ok = h("button", { type: "button", class: "secondary" }, t("partners.done"));
  ok.addEventListener("click", done);
  return h("div", { class: "once" }, h("p", {}, t(note)), h("p", {}, h("code", { class: "secret", id }, secret)), ok);
}

// confirming is a button that asks once more before it acts.
export function confirming(label, confirm, act, out) {
  const b = h("button", { type: "button", class: "secondary danger" }, label);
  b.addEventListener("click", async () => {
    if (!b.dataset.armed) { b.dataset.armed = "1"; b.textContent = confirm; return; }
    try { await act(); } catch (e) { out.replaceChildren(status(problemText(e), "error")); }
  });
  return b;
}

// jsonEditor is a labelled text area holding value as JSON, for the
// documents a screen edits whole (a rule set, a plan); read gives the
// edited value, or null with the reason in out.
export function jsonEditor(name, label, value, out) {
  const el = field(name, label, { multiline: true });
  const area = el.querySelector("textarea");
  area.value = JSON.stringify(value, null, 2);
  area.rows = 18;
  area.spellcheck = false;
  area.classList.add("code");
  const read = () => {
    out.replaceChildren();
    try {
      return JSON.parse(area.value);
    } catch (e) {
      out.append(status(t("doc.badJSON", { detail: e.message }), "error"));
      area.focus();
      return null;
    }
  };
  return { el, read };
}

// refusal says why the API refused a document: each field's error, or the
// conflict (conflictKey), or the problem in words.
export function refusal(out, e, conflictKey) {
  const errs = e.body?.errors || [];
  out.replaceChildren(status(errs.length ? t("doc.invalid") : e.status === 409 && conflictKey ? t(conflictKey) : problemText(e), "error"));
  if (errs.length) out.append(h("ul", { class: "errors" }, ...errs.map((x) => h("li", {}, h("code", {}, x.field), " ", fieldMessage(x), " (", x.message, ")"))));
}

// docEditor edits one document of a list whole: pick one (or a new one,
// named in a field), change its JSON, save it. Its words are the keys
// under prefix (pick, new, newID, document, save, needID, reload, edit,
// editHint); save(id, doc) answers the sentence that says it is saved.
export function docEditor({ name, prefix, items, idOf, labelOf, template, strip = [], save, again }) {
  const out = h("div", { id: name + "-result", "aria-live": "polite" });
  const body = (d) => Object.fromEntries(Object.entries(d).filter(([k]) => !strip.includes(k)));
  const pick = field("pick", t(prefix + ".pick"), { form: name, options: [["", t(prefix + ".new")], ...items.map((d) => [idOf(d), labelOf(d)])] });
  const id = field("id", t(prefix + ".newID"), { form: name, required: true });
  let doc = jsonEditor(name + "doc", t(prefix + ".document"), template, out);
  const slot = h("div", {}, doc.el);
  const chosenID = () => pick.querySelector("select").value;
  pick.querySelector("select").addEventListener("change", () => {
    const chosen = items.find((d) => idOf(d) === chosenID());
    id.hidden = Boolean(chosen);
    doc = jsonEditor(name + "doc", t(prefix + ".document"), chosen ? body(chosen) : template, out);
    slot.replaceChildren(doc.el);
  });
  const button = h("button", { type: "button", id: "save-" + name }, t(prefix + ".save"));
  button.addEventListener("click", async () => {
    const value = doc.read();
    if (!value) return;
    const docID = chosenID() || id.querySelector("input").value.trim();
    if (!docID) { out.replaceChildren(status(t(prefix + ".needID"), "error")); return; }
    out.replaceChildren(status(t("move.sending")));
    try {
      const said = await save(docID, value);
      const done = h("button", { type: "button", class: "secondary" }, t(prefix + ".reload"));
      done.addEventListener("click", again);
      out.replaceChildren(status(said, "ok"), done);
    } catch (e) {
      refusal(out, e);
    }
  });
  return h("section", { "aria-labelledby": name + "-editor" }, h("h2", { id: name + "-editor" }, t(prefix + ".edit")),
    h("p", { class: "hint" }, t(prefix + ".editHint")), pick, id, slot, h("p", { class: "bar" }, button), out);
}
