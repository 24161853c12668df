// Building the page: elements from data, always as text, and forms whose
// field names are the API's JSON paths ("contact.email"), so the API's
// field errors land next to the field they name.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === "") continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const idOf = (name) => "f-" + name.replace(/\./g, "-");

// field is a labelled input (or select, textarea, checkbox) with a place
// for its error. A second form on a page names itself (opts.form) so its
// ids stay unique.
export function field(name, label, opts = {}) {
  const id = idOf(opts.form ? opts.form + "." + name : name);
  const attrs = { id, name, "aria-describedby": id + "-error" };
  if (opts.required) { attrs.required = true; attrs["aria-required"] = "true"; }
  for (const k of ["type", "autocomplete", "inputmode"]) if (opts[k]) attrs[k] = opts[k];
  let input;
  if (opts.options) {
    input = h("select", attrs, ...opts.options.map(([v, text]) => h("option", { value: v }, text)));
    if (opts.value !== undefined) input.value = opts.value;
  } else if (opts.multiline) {
    input = h("textarea", { ...attrs, rows: 3 });
  } else {
    input = h("input", { ...attrs, value: opts.value });
  }
  const error = h("p", { class: "field-error", id: id + "-error", hidden: true });
  const mark = opts.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null;
  const cls = "field" + (opts.type === "checkbox" ? " check" : "");
  return opts.type === "checkbox"
    ? h("div", { class: cls }, input, h("label", { for: id }, label, mark), error)
    : h("div", { class: cls }, h("label", { for: id }, label, mark), input, error);
}

// formData is the form as the API's JSON: dotted names nest, empty text
// is left out, a checkbox is true or false.
export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    const group = el.type === "checkbox" && el.hasAttribute("value"); // one of a group: the checked values
    const v = group ? null : el.type === "checkbox" ? el.checked : el.value.trim();
    if (v === "") continue;
    const path = el.name.split(".");
    let o = out;
    for (const p of path.slice(0, -1)) o = o[p] ??= {};
    if (!group) o[path.at(-1)] = v;
    else if ((o[path.at(-1)] ??= []) && el.checked) o[path.at(-1)].push(el.value);
  }
  return out;
}

// checkGroup is a set of checkboxes whose checked values formData gives as
// one list under name, with one place for the list's error.
export function checkGroup(name, legend, values, labelOf, checked = [], opts = {}) {
  const base = idOf(opts.form ? opts.form + "." + name : name);
  const boxes = values.map((v, i) => h("div", { class: "field check" },
    h("input", { type: "checkbox", name, value: v, id: base + "-" + i, checked: checked.includes(v), "aria-describedby": base + "-0-error" }),
    h("label", { for: base + "-" + i }, labelOf(v))));
  return h("fieldset", { class: "checks" }, h("legend", {}, legend), opts.hint ? h("p", { class: "hint" }, opts.hint) : "", ...boxes,
    h("p", { class: "field-error", id: base + "-0-error", hidden: true }));
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((p) => { p.hidden = true; p.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

// showErrors puts each field error next to its field and focuses the first;
// it reports whether any error named a field on the form. An error about a
// group ("contact") goes to the group's first field.
export function showErrors(form, errors, message) {
  let first = null;
  for (const err of errors || []) {
    const el = form.querySelector(`[name="${CSS.escape(err.field)}"]`) || form.querySelector(`[name^="${CSS.escape(err.field)}."]`);
    if (!el) continue;
    const p = document.getElementById(el.id + "-error");
    p.textContent = p.textContent ? p.textContent + " " + message(err) : message(err);
    p.hidden = false;
    el.setAttribute("aria-invalid", "true");
    first ??= el;
  }
  first?.focus();
  return first !== null;
}
