// Pages with JavaScript log through the outbox, so nothing depends on the connection; without
// JavaScript the same forms post to the server as they are. Words come from data-* attributes
// rendered by the server in the reader's language: no user-facing text lives here.
(function () {
  "use strict";
  const outbox = self.JianfuOutbox, checks = self.JianfuChecks;
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
  // Plainly said when the phone has no connection (the page may be the worker's copy).
  const offline = document.getElementById("offline");
  function showOffline() { if (offline) offline.hidden = navigator.onLine; }
  addEventListener("online", showOffline);
  addEventListener("offline", showOffline);
  showOffline();
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
      // A refused item is not waiting: the server will not take it as it is.
      if (outbox && account) waiting = (await outbox.all("outbox")).filter((item) => item.account === account && item.state !== "failed").length;
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

  // What the phone knows of the day beyond what the page was drawn with: entries waiting or sent
  // since, by client_id, so nothing counts twice and a rejected entry never counts.
  function phoneMinutes(items) {
    const total = document.getElementById("total");
    const fresh = total && total.dataset.day === localDay();
    const counted = new Set(fresh ? JSON.parse(total.dataset.counted || "[]") : []);
    return items.filter((i) => i.kind === "entry" && i.state !== "failed" && i.date === localDay() && !counted.has(i.id) && /^\d+$/.test(String(i.minutes)))
                .reduce((sum, i) => sum + Number(i.minutes), 0);
  }

  async function minutesToday() {
    const total = document.getElementById("total");
    const base = total && total.dataset.day === localDay() ? Number(total.dataset.minutes) : 0;
    const mine = (item) => item.account === account;
    return base + phoneMinutes((await outbox.all("outbox")).filter(mine).concat((await outbox.all("sent")).filter(mine)));
  }

  // Today: a task's kind of work is "as usual" (named) until another is tapped; the kinds are for tasks only.
  function showKind(form, reset) {
    const choice = form.querySelector("input[name=choice]:checked");
    const usual = form.querySelector(".usual-kind");
    if (!choice || !usual) return;
    const named = form.querySelector(`input[name=choice][value="activity:${choice.dataset.activity}"]`);
    usual.textContent = named ? "· " + named.closest("label").textContent.trim() : "";
    if (reset && form.elements.activity) form.elements.activity.value = "";
  }

  const BUILDERS = self.JianfuItems({ account, words, checks, localDay, uuid, minutesLabel, minutesToday });

  async function enqueue(event) {
    const form = event.target;
    const build = BUILDERS[form.dataset.outbox];
    if (!build || (!form.noValidate && !form.reportValidity())) return;  // checks.js words its own
    event.preventDefault();
    const built = await build(form, event.submitter);
    panel.querySelector(".saved")?.remove();
    if (built.errors) return checks.show(form, built.errors);  // nothing queued, nothing said saved
    checks.clear(form);
    for (const item of [].concat(built)) await outbox.add(Object.assign(item, { account }));
    if (form.dataset.outbox === "quota") form.reset();
    if (form.elements.client_id) form.elements.client_id.value = uuid();
    if (form.elements.duration) form.elements.duration.value = "";
    panel.insertAdjacentHTML("afterbegin", `<p class="saved" role="status"></p>`);
    panel.querySelector(".saved").textContent = words.saved;
    await render();
    sync();
  }

  function button(text, action) {
    const b = document.createElement("button");
    Object.assign(b, { type: "button", className: "link", textContent: text });
    b.addEventListener("click", action);
    return b;
  }

  function itemRow(item, deletable) {
    const li = document.createElement("li");
    li.className = "outbox-item " + item.state;
    const text = document.createElement("span");
    text.textContent = item.label;
    li.append(text);
    if (item.error) {
      const why = document.createElement("small");
      why.className = "error";
      why.textContent = item.error;
      li.append(why);
    }
    for (const flag of item.flags || []) {
      const note = document.createElement("small");
      note.className = "flag-note " + flag.severity;
      note.textContent = flag.message;
      li.append(note);
    }
    const form = document.querySelector(`form[data-outbox="${item.kind}"]`);
    if (item.state === "failed" && item.values && form) li.append(button(words.edit, () => edit(item, form)));
    if (deletable) li.append(button(words.delete, async () => { await outbox.remove("outbox", item.id); render(); }));
    return li;
  }

  // A rejected item goes back into its form, with the server's words under its fields, and leaves
  // the outbox: saving the form again queues it anew.
  async function edit(item, form) {
    for (const [name, value] of Object.entries(item.values)) {
      if (form.elements[name]) form.elements[name].value = value;
    }
    form.dispatchEvent(new Event("change", { bubbles: true }));
    await outbox.remove("outbox", item.id);
    checks.show(form, item.fieldErrors && Object.keys(item.fieldErrors).length ? item.fieldErrors : { form: item.error });
    await render();
  }

  async function render() {
    const mine = (item) => item.account === account;
    const queued = (await outbox.all("outbox")).filter(mine);
    const waiting = queued.filter((item) => item.state !== "failed"), failed = queued.filter((item) => item.state === "failed");
    // History lists what this phone sent lately; other pages what was sent since they were drawn, with its flags.
    const allSent = (await outbox.all("sent")).filter(mine).reverse();
    const sent = panel.dataset.showSent ? allSent.slice(0, 20) : allSent.filter((item) => item.sentAt >= drawnAt);
    const paused = await outbox.getMeta("paused");
    panel.hidden = !queued.length && !sent.length && !paused;
    if (failed.length) panel.querySelector(".saved")?.remove();
    const count = panel.querySelector(".count");
    count.textContent = paused ? words.paused : waiting.length ? fill(words.waiting, { count: waiting.length }) : failed.length ? "" : words.allSent;
    count.hidden = !count.textContent;
    const refused = panel.querySelector(".refused");
    refused.hidden = !failed.length;
    refused.querySelector("h2").textContent = fill(words.failed, { count: failed.length });
    refused.querySelector("ul").replaceChildren(...failed.map((item) => itemRow(item, true)));
    panel.querySelector(".waiting").replaceChildren(...waiting.map((item) => itemRow(item, true)));
    panel.querySelector(".sent").replaceChildren(...sent.map((item) => itemRow(item, false)));
    showTotal(queued.concat(allSent));
    showFlags(sent.filter((item) => item.kind === "quota"));
  }

  // Today's total as the server counted it when the page was drawn, plus what the phone logged
  // that it did not count (waiting or sent since); a day already logged offers no copy of another.
  function showTotal(items) {
    const total = document.getElementById("total");
    if (!total) return;
    const fresh = total.dataset.day === localDay();
    const minutes = (fresh ? Number(total.dataset.minutes) : 0) + phoneMinutes(items);
    if (total.dataset.drawn === undefined) total.dataset.drawn = total.textContent;
    // Back to the page's own words when nothing more counts (an entry refused after it waited).
    total.textContent = minutes ? fill(words.total, { time: minutesLabel(minutes) }) : total.dataset.drawn;
    const repeat = document.querySelector("form.repeat");
    if (repeat) repeat.hidden = minutes > 0;
  }

  // The flags of the quota just sent, by the form, as the saved page shows them: severity, message, basis.
  function showFlags(quotas) {
    const place = document.getElementById("saved-flags");
    if (!place || !quotas.length) return;
    const latest = quotas[0];
    const list = document.createElement("ul");
    list.className = "flags";
    for (const flag of latest.flags || []) {
      const li = document.createElement("li");
      li.className = "flag " + flag.severity;
      const severity = document.createElement("strong");
      severity.textContent = place.dataset[flag.severity];
      const message = document.createElement("p");
      Object.assign(message, { className: "message", textContent: flag.message });
      const basis = document.createElement("p");
      Object.assign(basis, { className: "basis", textContent: flag.basis });
      li.append(severity, message, basis);
      list.append(li);
    }
    const heading = document.createElement("p");
    heading.className = "saved";
    heading.textContent = fill(latest.flags && latest.flags.length ? place.dataset.flagged : place.dataset.clean, { quota: latest.label });
    place.replaceChildren(heading, list);
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
    // The phone checks these forms itself, in the page's words (checks.js), not in the browser's.
    if (checks && checks.rules()) for (const form of document.querySelectorAll("form[data-outbox=entry], form[data-outbox=quota]")) form.noValidate = true;
    document.addEventListener("submit", enqueue);
    const today = document.querySelector("form[data-outbox=entry]");
    if (today) {
      showKind(today, false);
      // A tapped task starts "as usual"; an entry put back for correction keeps its own kind.
      today.addEventListener("change", (event) => { if (event.target.name === "choice" || event.target === today) showKind(today, event.target !== today); });
    }
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
