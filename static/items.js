// What each form becomes in the outbox: the request to send, a label for the list of what waits,
// and (Today, Quota) the form's values, to put an item the server refused back into its form.
// A builder answers {errors} instead when the phone's checks (checks.js) refuse the input.
(function (scope) {
  "use strict";

  // `page` holds what the builders need from the page: app.js passes it.
  scope.JianfuItems = function (page) {
    const { account, words, checks, localDay, uuid, minutesLabel, minutesToday } = page;

    async function entryItem(form, submitter) {
      const f = form.elements;
      const choice = form.querySelector("input[name=choice]:checked");
      if (!choice) return { errors: { task: checks.rules().messages.required } };  // a corrected copy whose task has ended
      const kind = choice.value.startsWith("task:") ? form.querySelector("input[name=activity]:checked") : null;
      const preset = submitter && submitter.name === "preset" ? submitter.value : "";
      const day = f.date.value || localDay();
      const checked = checks.entry(f.duration.value, preset, day, day === localDay() ? await minutesToday() : null);
      if (Object.keys(checked.errors).length) return { errors: checked.errors };
      const entry = { client_id: f.client_id.value, date: day, minutes: checked.minutes, activity: (kind && kind.value) || choice.dataset.activity };
      let name = choice.closest("label").textContent.trim();
      if (choice.value.startsWith("task:")) {
        entry.task = Number(choice.value.slice(5));
        const named = form.querySelector(`input[name=choice][value="activity:${entry.activity}"]`);
        if (named) name += " · " + named.closest("label").textContent.trim();
      }
      return entryOutboxItem(entry, name, { choice: choice.value, activity: kind ? kind.value : "", duration: preset || f.duration.value, date: f.date.value });
    }

    // `values` are the Today form's fields, to put a refused entry back into the form.
    function entryOutboxItem(entry, name, values) {
      const label = `${name} · ${minutesLabel(entry.minutes)} · ${entry.date}`;
      return { id: entry.client_id, kind: "entry", url: "/api/entries", method: "POST", body: { entries: [entry] }, label, minutes: entry.minutes, date: entry.date, values };
    }

    // "Same as last time": each copy is an entry of its own in the outbox, so it works offline and
    // the total, refusals and corrections work as for a tap. A day already logged gets none.
    async function repeatItems(form) {
      if (await minutesToday()) {
        form.hidden = true;
        return { errors: {} };
      }
      return JSON.parse(form.dataset.copies).map((copy) => {
        const entry = { client_id: uuid(), date: localDay(), minutes: copy.minutes, activity: copy.activity };
        if (copy.task) entry.task = copy.task;
        const choice = copy.task ? `task:${copy.task}` : `activity:${copy.activity}`;
        return entryOutboxItem(entry, copy.name, { choice, activity: copy.task ? copy.activity : "", duration: String(copy.minutes), date: "" });
      });
    }

    function quotaItem(form) {
      const f = form.elements;
      const errors = checks.quota(f);
      if (Object.keys(errors).length) return { errors };
      const body = { client_id: f.client_id.value, region: f.region.value, target: String(checks.whole(f.target.value)), base: f.base.value };
      if (f.eligible.value.trim()) body.eligible = String(checks.whole(f.eligible.value));
      const values = Object.fromEntries(Array.from(new FormData(form)).filter(([name]) => !["csrf", "client_id"].includes(name)));
      const item = { id: body.client_id, kind: "quota", url: "/api/quotas", method: "POST", body, values };
      const place = f.region.selectedOptions[0].textContent.split(" (")[0];
      if (f.task.value === "new") {
        item.task = {};
        for (const name of ["title", "metric", "issued_by", "period_start", "period_end", "ranking", "penalty", "evidence"]) item.task[name] = f[name].value;
        item.label = `${f.title.value} · ${place} · ${body.target}`;
      } else {
        body.task = Number(f.task.value);
        item.label = `${f.task.selectedOptions[0].textContent} · ${place} · ${body.target}`;
      }
      return item;
    }

    function rosterItem(form) {
      const apps = [];
      for (const select of form.querySelectorAll("select[name^=app-]")) {
        if (select.value) apps.push({ app: Number(select.name.slice(4)), resident_use: select.value });
      }
      return { id: "roster-" + account, kind: "roster", url: "/api/roster", method: "PUT", body: { apps }, label: words.roster };
    }

    function outcomeItem(form) {
      const f = form.elements;
      const body = { status: f.status.value, means: Array.from(form.querySelectorAll("input[name=means]:checked"), (box) => box.value) };
      if (f.cost_yuan.value.trim()) body.cost_yuan = f.cost_yuan.value.trim();
      const quota = form.dataset.quota;
      const label = `${form.querySelector("legend").textContent} · ${form.querySelector("input[name=status]:checked").parentElement.textContent.trim()}`;
      return { id: "outcome-" + quota, kind: "outcome", url: `/api/quotas/${quota}/outcome`, method: "POST", body, label };
    }

    return { entry: entryItem, repeat: repeatItems, quota: quotaItem, roster: rosterItem, outcome: outcomeItem };
  };
})(self);
