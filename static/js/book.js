// The booking form, enhanced: free times load from /api/slots and show in
// the visitor's own time zone, named on the page. Without this script the
// form still works: the function lists the times with their UTC offset.
(() => {
  "use strict";
  const form = document.querySelector("form[data-book]");
  if (!form || !window.Intl || !window.fetch) return;
  // Some browsers still report zones by their old names.
  const renamed = { "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "Pacific/Truk": "Pacific/Chuuk", "Atlantic/Faeroe": "Atlantic/Faroe", "America/Godthab": "America/Nuuk" };
  // Intl's formatters are the costly part of this script (on a phone, a
  // tenth of a second and more): they are made when first needed, so that
  // on /book/ the page paints, and the times are fetched, without them.
  let zone, day, time;
  const intl = () => {
    if (zone) return;
    const raw = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    zone = renamed[raw] || raw;
    const tz = form.querySelector("[data-tz]");
    if (tz) tz.value = zone;
    day = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", timeZone: zone });
    time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone });
  };

  const params = new URLSearchParams(location.search);
  const result = form.querySelector("[data-result]");
  if (result && /^[a-z2-7]{26}$/.test(params.get("result") || "")) {
    result.value = params.get("result");
    const note = form.querySelector("[data-result-note]");
    if (note) note.hidden = false;
  }

  const offset = (d) => {
    const p = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(d);
    const n = p.find((x) => x.type === "timeZoneName");
    return n ? n.value.replace("GMT", "UTC") : "";
  };
  const hint = (text) => {
    let h = form.querySelector(".slots .hint");
    if (!h) {
      h = document.createElement("p");
      h.className = "hint";
      form.querySelector(".slots legend").after(h);
    }
    h.textContent = text;
  };
  const named = () => `Times are shown in your time zone, ${zone} (${offset(new Date())}).`;

  const list = form.querySelector("[data-slot-list]");
  const radios = list ? list.querySelectorAll("input[name=slot]") : [];
  if (radios.length) {
    // Server-rendered times: relabel them in the visitor's zone, before
    // the first paint (blocking="render"), so no label changes in view.
    intl();
    radios.forEach((r) => {
      const d = new Date(r.dataset.start);
      r.nextElementSibling.textContent = time.format(d);
    });
    list.querySelectorAll(".day").forEach((el) => {
      const first = el.querySelector("input[name=slot]");
      if (first) el.querySelector("h3").textContent = day.format(new Date(first.dataset.start));
    });
    hint(named());
    return;
  }
  if (!list || !form.querySelector("[data-slot-status]")) {
    intl();
    return;
  }

  hint("Loading the free times…");
  // Until the times arrive their list holds a screen's height (site.css),
  // so what follows it starts below the fold and does not shift when they
  // come; this runs before the first paint (blocking="render").
  list.setAttribute("aria-busy", "true");
  const done = () => list.removeAttribute("aria-busy");
  fetch("/api/slots", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
    .then((data) => {
      const paused = form.querySelector("[data-slot-paused]");
      if (data.paused && paused) {
        // The consultant's calendar cannot be read: the page's own
        // message, with the address to write to, replaces the hint.
        form.querySelector("[data-slot-status]").hidden = true;
        paused.hidden = false;
        done();
        return;
      }
      intl();
      const byDay = new Map();
      for (const s of data.slots) {
        const d = new Date(s.start);
        const key = day.format(d);
        if (!byDay.has(key)) byDay.set(key, []);
        byDay.get(key).push(s);
      }
      done();
      if (!byDay.size) {
        hint("There are no free times in the coming weeks. Please email us and we will find one.");
        return;
      }
      const chosen = params.get("slot");
      // The first days in view; later ones behind one disclosure, so a
      // phone is not a month-long scroll.
      let target = list;
      let shown = 0;
      for (const [label, slots] of byDay) {
        if (shown === 5) {
          const more = document.createElement("details");
          const summary = document.createElement("summary");
          summary.textContent = `Show ${byDay.size - 5} later days`;
          more.append(summary);
          list.append(more);
          target = more;
        }
        shown++;
        const box = document.createElement("div");
        box.className = "day";
        const h = document.createElement("h3");
        h.textContent = label;
        const times = document.createElement("div");
        times.className = "times";
        for (const s of slots) {
          const l = document.createElement("label");
          const input = document.createElement("input");
          input.type = "radio";
          input.name = "slot";
          input.value = s.start;
          input.checked = s.start === chosen;
          const span = document.createElement("span");
          span.textContent = time.format(new Date(s.start));
          l.append(input, " ", span);
          times.append(l);
        }
        box.append(h, times);
        target.append(box);
      }
      hint(named());
      const submit = form.querySelector("[data-submit]");
      if (submit) submit.textContent = "Book this session";
    })
    .catch(() => {
      intl();
      done();
      hint("The free times could not be loaded here; choose Continue to see them on the next step.");
    });
})();
