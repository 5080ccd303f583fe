// The server's input rules, applied on the phone before anything is queued, so the page never
// says "saved" for what the server would refuse. The patterns, limits and sentences are the
// server's own, rendered into the page as JSON by server/web/form_rules.py: nothing here is a limit.
(function (scope) {
  "use strict";
  let loaded = null;

  function rules() {
    if (loaded === null) {
      const tag = document.getElementById("form-rules");
      loaded = tag ? JSON.parse(tag.textContent) : false;
    }
    return loaded;
  }

  function fill(template, values) { return template.replace(/%\((\w+)\)s/g, (_, k) => values[k]); }
  // As durations.normal_text: NFKC (full-width ２０ is 20), trimmed, lower case, no spaces.
  function normal(text) { return String(text).normalize("NFKC").trim().toLowerCase().split(" ").join(""); }
  // Python's round(): a half goes to the even neighbour.
  function roundEven(x) { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 ? r - 1 : r; }

  // durations.parse_minutes, on the same patterns: whole minutes, or null when not a duration.
  function minutes(text) {
    const d = rules().duration, cleaned = normal(text);
    if (d.half_hour.includes(cleaned)) return 30;
    if (new RegExp(d.number).test(cleaned)) return roundEven(Number(cleaned));
    const clock = new RegExp(d.clock).exec(cleaned);
    if (clock) return Number(clock[2]) >= 60 ? null : Number(clock[1]) * 60 + Number(clock[2]);
    const parts = new RegExp(d.hours_minutes).exec(cleaned);
    if (!cleaned || !parts || (parts[1] === undefined && parts[2] === undefined)) return null;
    return roundEven(Number(parts[1] || 0) * 60 + Number(parts[2] || 0));
  }

  // parse._whole on typed text: a whole number (full-width digits too), else null.
  function whole(text) {
    const t = String(text).normalize("NFKC").trim();
    return /^-?[0-9]+$/.test(t) ? Number(t) : null;
  }

  function say(key, values) { return fill(rules().messages[key], values || {}); }

  // One count field (target, eligible): the server's Reader.integer.
  function count(value, required) {
    if (!String(value).trim()) return required ? say("required") : null;
    const n = whole(value), c = rules().count;
    if (n === null) return say("whole");
    return n < c.low || n > c.high ? say("between", c) : null;
  }

  // Today: {minutes, errors}; `dayMinutes` is what the day already holds (server and phone).
  function entry(typed, preset, day, dayMinutes) {
    const r = rules(), errors = {};
    let value = preset ? Number(preset) : null;
    if (!preset) {
      if (!String(typed).trim()) errors.minutes = say("required");
      else if ((value = minutes(typed)) === null) errors.minutes = say("duration");
      else if (value < r.duration.low || value > r.duration.high) errors.minutes = say("duration_range");
    }
    if (day && (day < r.day.earliest || day > r.day.latest)) errors.date = say("date_between", r.day);
    if (!errors.minutes && dayMinutes !== null && dayMinutes + value > r.duration.high) errors.minutes = say("day_full", { day });
    return { minutes: value, errors };
  }

  // The quota form, and the new task when one is described.
  function quota(f) {
    const errors = {};
    const target = count(f.target.value, true), eligible = count(f.eligible.value, false);
    if (target) errors.target = target;
    if (eligible) errors.eligible = eligible;
    else if (f.base.value === "eligible" && !f.eligible.value.trim()) errors.eligible = say("eligible_needed");
    if (f.task.value === "new") {
      const title = f.title.value.trim();
      const hidden = new RegExp(`[${rules().title.hidden.map((category) => `\\p{${category}}`).join("")}]`, "u");
      if (!title) errors.title = say("required");
      else if ([...title].length > rules().title.max) errors.title = say("at_most", { count: rules().title.max });  // code points, as Python counts
      else if (hidden.test(title)) errors.title = say("hidden");
      for (const name of ["period_start", "period_end"]) if (!f[name].value) errors[name] = say("required");
      if (!errors.period_end && f.period_start.value && f.period_end.value < f.period_start.value) errors.period_end = say("before_start");
    }
    return errors;
  }

  // The element an error goes under: the field's row (a label, the typed-duration row).
  function anchorOf(form, key) {
    const field = form.querySelector(`[data-field~="${key}"]`) || form.elements[key];
    const element = field && (field.length && !field.tagName ? field[0] : field);
    return element ? { field: element, row: element.closest(".typed, .pair, label, fieldset") || element } : null;
  }

  // Errors under their fields, each naming its field in the reader's words; the first gets focus.
  function show(form, errors) {
    clear(form);
    let first = null;
    for (const [key, problem] of Object.entries(errors)) {
      const anchor = anchorOf(form, key);
      const note = document.createElement("p");
      const label = rules().labels[key];
      Object.assign(note, { className: "error", id: `${key}-error`, textContent: label ? say("field_problem", { field: label, problem }) : problem });
      note.dataset.checked = "";
      if (anchor) {
        const folded = anchor.field.closest("details");
        if (folded) folded.open = true;
        anchor.row.after(note);
        anchor.field.setAttribute("aria-invalid", "true");
        anchor.field.setAttribute("aria-describedby", note.id);
        first = first || anchor.field;
      } else {
        form.prepend(note);
      }
    }
    if (first) first.focus();
  }

  function clear(form) {
    for (const note of form.querySelectorAll(".error")) note.remove();
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  }

  scope.JianfuChecks = { rules, minutes, whole, entry, quota, show, clear };
})(self);
