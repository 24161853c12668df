// The touch log: a rep records each attempt to reach the contact, with its
// channel and outcome; the count is on the lead and the partner's program
// may ask for a number of them before unreachable.
import { h, field, formData, showErrors, clearErrors } from "./dom.js";
import { t, call, status, problemText, fieldMessage, localTime, fromLocalTime } from "./app.js";

export function touchText(touch) {
  return t("channel." + touch.channel) + " · " + t("outcome." + touch.outcome);
}

// touchForm logs a touch with the words package lead defines (the
// lifecycle's touch lists).
export function touchForm(body, l, done, words) {
  const form = h("form", { id: "touch", novalidate: true },
    field("channel", t("touch.channel"), { form: "touch", required: true, options: words.channels.map((c) => [c, t("channel." + c)]) }),
    field("outcome", t("touch.outcome"), { form: "touch", required: true, options: words.outcomes.map((o) => [o, t("outcome." + o)]) }),
    field("at", t("touch.at"), { form: "touch", type: "datetime-local", value: localTime(new Date()) }),
    field("note", t("touch.note"), { form: "touch", multiline: true }),
    h("button", { type: "submit" }, t("touch.submit")));
  const out = h("div", { id: "touch-result", "aria-live": "polite" });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const f = formData(form);
    if (f.at) f.at = fromLocalTime(f.at);
    out.replaceChildren(status(t("touch.sending")));
    try {
      await call("POST", "/v1/leads/" + encodeURIComponent(l.id) + "/touches", f, true, { "If-Match": '"' + l.version + '"' });
      done();
    } catch (e) {
      out.replaceChildren();
      if (e.status === 409 && e.body?.type?.endsWith(":version-conflict")) out.append(status(t("move.conflict"), "error"));
      else if (!showErrors(form, e.body?.errors, fieldMessage)) out.append(status(problemText(e), "error"));
      else out.append(status(t("lead.fixFields"), "error"));
    }
  });
  body.append(h("h2", {}, t("touch.title")), form, out);
}
