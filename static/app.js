// Pages with JavaScript log through the outbox, so nothing depends on the connection; without
// JavaScript the same forms post to the server as they are. Words come from data-* attributes
// rendered by the server in the reader's language: no user-facing text lives here.
(function () {
  "use strict";
  const outbox = self.JianfuOutbox;
  const account = document.querySelector("meta[name=account]").content;  // empty when signed out
  document.addEventListener("submit", signOut);  // on every page, a supervisor's too: the worker keeps theirs
  // An invite sheet's print button: without JavaScript, the browser's own menu prints it.
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => self.print());
  }
  // A region import's progress page: the bar moves in place, and the page reloads once it is over.
  const meter = document.querySelector("progress[data-poll]");
  if (meter) pollImport(meter);
  function pollImport(bar) {
    setTimeout(async () => {
      try {
        const state = await (await fetch(bar.dataset.poll, { headers: { accept: "application/json" } })).json();
        bar.max = state.total || 1;
        bar.value = state.done;
        if (state.status !== "running") return location.reload();
      } catch (unreachable) { /* asked again below */ }
      pollImport(bar);
    }, 1000);
  }
  const panel = document.getElementById("outbox");
  if (!outbox || !panel) return;
  const words = panel.dataset;
  const drawnAt = Date.now();

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // Before the sign-out form posts: what this account still has waiting is deleted only once the
  // person says so, then its outbox and the worker's copies of the pages go (the shell stays).
  async function signOut(event) {
    const form = event.target;
    if (!form.matches("form[data-sign-out]")) return;
    event.preventDefault();
    let waiting = 0;
    try {
      if (outbox && account) waiting = (await outbox.all("outbox")).filter((item) => item.account === account).length;
    } catch (unreadable) { /* nothing can be sent from an outbox that cannot be read either */ }
    if (waiting && !(event.submitter && event.submitter.name === "discard")) return warn(form, waiting);
    await Promise.all([outbox && account && outbox.forget(account), forgetPages()]).catch(() => null);
    form.submit();
  }

  function warn(form, count) {
    form.querySelector(".unsent")?.remove();
    const box = document.createElement("div");
    box.className = "unsent";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = fill(form.dataset.unsent, { count });
    const discard = document.createElement("button");
    Object.assign(discard, { type: "submit", name: "discard", className: "danger", textContent: form.dataset.discard });
    const keep = document.createElement("button");
    Object.assign(keep, { type: "button", className: "secondary", textContent: form.dataset.keep });
    keep.addEventListener("click", () => box.remove());
    box.append(text, keep, discard);
    form.append(box);
    keep.focus();
  }

  // The worker deletes its copies itself, so that a copy it is fetching right now is not kept either.
  function forgetPages() {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    const asked = worker ? new Promise((done) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = done;
      worker.postMessage({ type: "forget" }, [channel.port2]);
      setTimeout(done, 3000);
    }) : null;
    return Promise.all([asked, self.caches && caches.delete("pages")]);
  }

  function localDay() { return new Date().toLocaleDateString("sv-SE"); }
  function fill(template, values) { return template.replace(/%\((\w+)\)s/g, (_, k) => values[k]); }
  // The same wording as the server's: "1 h 45 min", "2 h", "30 min".
  function minutesLabel(minutes) {
    if (!/^\d+$/.test(String(minutes))) return String(minutes);
    const hours = Math.floor(minutes / 60), rest = minutes % 60;
    if (hours && rest) return fill(words.hoursMinutes, { hours, minutes: rest });
    return hours ? fill(words.hours, { hours }) : fill(words.minutes, { minutes: rest });
  }

  function entryItem(form, submitter) {
    const choice = form.querySelector("input[name=choice]:checked");
    const entry = { client_id: form.elements.client_id.value, date: form.elements.date.value || localDay(),
                    minutes: submitter && submitter.name === "preset" ? Number(submitter.value) : form.elements.duration.value.trim(),
                    activity: choice.dataset.activity };
    if (choice.value.startsWith("task:")) entry.task = Number(choice.value.slice(5));
    const label = `${choice.closest("label").textContent.trim()} · ${minutesLabel(entry.minutes)} · ${entry.date}`;
    return { id: entry.client_id, kind: "entry", url: "/api/entries", method: "POST", body: { entries: [entry] }, label, minutes: entry.minutes, date: entry.date };
  }

  function quotaItem(form) {
    const f = form.elements;
    const body = { client_id: f.client_id.value, region: f.region.value, target: f.target.value, base: f.base.value };
    if (f.eligible.value) body.eligible = f.eligible.value;
    const item = { id: body.client_id, kind: "quota", url: "/api/quotas", method: "POST", body };
    if (f.task.value === "new") {
      item.task = {};
      for (const name of ["title", "metric", "issued_by", "period_start", "period_end", "ranking", "penalty", "evidence"]) item.task[name] = f[name].value;
      item.label = `${f.title.value} · ${f.region.selectedOptions[0].textContent.split(" (")[0]} · ${body.target}`;
    } else {
      body.task = Number(f.task.value);
      item.label = `${f.task.selectedOptions[0].textContent} · ${f.region.selectedOptions[0].textContent.split(" (")[0]} · ${body.target}`;
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

  const BUILDERS = { entry: entryItem, quota: quotaItem, roster: rosterItem, outcome: outcomeItem };

  async function enqueue(event) {
    const form = event.target;
    const build = BUILDERS[form.dataset.outbox];
    if (!build || !form.reportValidity()) return;
    event.preventDefault();
    await outbox.add(Object.assign(build(form, event.submitter), { account }));
    if (form.dataset.outbox === "quota") form.reset();
    if (form.elements.client_id) form.elements.client_id.value = uuid();
    if (form.elements.duration) form.elements.duration.value = "";
    panel.querySelector(".saved")?.remove();
    panel.insertAdjacentHTML("afterbegin", `<p class="saved" role="status"></p>`);
    panel.querySelector(".saved").textContent = words.saved;
    await render();
    sync();
  }

  function itemRow(item, deletable) {
    const li = document.createElement("li");
    li.className = "outbox-item " + item.state;
    const text = document.createElement("span");
    text.textContent = item.label + (item.error ? " — " + item.error : "");
    li.append(text);
    for (const flag of item.flags || []) {
      const note = document.createElement("small");
      note.className = "flag-note " + flag.severity;
      note.textContent = flag.message;
      li.append(note);
    }
    if (deletable) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = words.delete;
      button.addEventListener("click", async () => { await outbox.remove("outbox", item.id); render(); });
      li.append(button);
    }
    return li;
  }

  async function render() {
    const mine = (item) => item.account === account;
    const waiting = (await outbox.all("outbox")).filter(mine);
    // History lists what this phone sent lately; other pages what was sent since they were drawn, with its flags.
    const allSent = (await outbox.all("sent")).filter(mine).reverse();
    const sent = panel.dataset.showSent ? allSent.slice(0, 20) : allSent.filter((item) => item.sentAt >= drawnAt);
    const paused = await outbox.getMeta("paused");
    panel.hidden = !waiting.length && !sent.length && !paused;
    const count = panel.querySelector(".count");
    count.textContent = paused ? words.paused : waiting.length ? fill(words.waiting, { count: waiting.length }) : words.allSent;
    panel.querySelector(".waiting").replaceChildren(...waiting.map((item) => itemRow(item, true)));
    panel.querySelector(".sent").replaceChildren(...sent.map((item) => itemRow(item, false)));
    addToTotal(waiting.concat(allSent));
  }

  // Today's total as the server counted it when the page was drawn, plus what the phone logged since.
  function addToTotal(items) {
    const total = document.getElementById("total");
    if (!total) return;
    const extra = items.filter((i) => i.kind === "entry" && i.date === localDay() && i.createdAt >= drawnAt && /^\d+$/.test(String(i.minutes)))
                       .reduce((sum, i) => sum + Number(i.minutes), 0);
    if (extra) total.textContent = fill(words.total, { time: minutesLabel(Number(total.dataset.minutes) + extra) });
  }

  async function sync() {
    if (!navigator.onLine) return;
    await outbox.flush();
    await render();
  }

  async function start() {
    const csrf = document.querySelector("meta[name=csrf]").content;
    if (csrf) {  // signed in: the token is fresh, so a paused outbox may go on
      await outbox.setMeta("csrf", csrf);
      await outbox.setMeta("paused", false);
      await outbox.claim(account);
    }
    await outbox.setMeta("lang", document.documentElement.lang);
    // A page may come from the worker's copy: its ids were made when it was drawn, maybe long ago.
    for (const field of document.querySelectorAll("form[data-outbox] input[name=client_id]")) field.value = uuid();
    document.addEventListener("submit", enqueue);
    addEventListener("online", sync);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") sync(); });
    setInterval(sync, 15000);
    await render();
    sync();
    if ("serviceWorker" in navigator) {
      const registration = await navigator.serviceWorker.register("/sw.js");
      await navigator.serviceWorker.ready;
      if (csrf) registration.active.postMessage({ type: "warm", account, urls: ["/", "/quota", "/apps", "/history", location.pathname + location.search] });
      if (registration.sync) document.addEventListener("submit", () => registration.sync.register("outbox").catch(() => null));
    }
  }

  start();
})();
