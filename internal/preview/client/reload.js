// Live reload for site serve: never part of a built site. It listens to
// the server's events: "reload" after a rebuild, "css" when only
// stylesheets changed (swapped in place), "builderror" with the problems of
// a failed rebuild (shown over the page until the next good one).
(() => {
  "use strict";
  const es = new EventSource("/_site/events");
  // A page kept in the back/forward cache must not hold its stream open
  // (browsers allow six per host); coming back, it reloads to be current.
  addEventListener("pagehide", () => es.close());
  addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });
  let box = null;
  const strip = (u) => u.replace(/\.[0-9a-f]{10}\.css$/, "");
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("css", (e) => {
    const urls = JSON.parse(e.data);
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const next = urls.find((u) => strip(u) === strip(link.getAttribute("href")));
      if (next) link.setAttribute("href", next);
    }
    hide();
  });
  es.addEventListener("ok", hide);
  es.addEventListener("builderror", (e) => {
    if (!document.getElementById("site-build-css")) {
      const css = document.createElement("link");
      css.id = "site-build-css";
      css.rel = "stylesheet";
      css.href = "/_site/overlay.css";
      document.head.appendChild(css);
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "site-build-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-label", "Build errors");
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = "The last rebuild failed; the page shows the last good build.";
    const pre = document.createElement("pre");
    pre.textContent = e.data;
    box.append(h, pre);
  });
  function hide() {
    if (box) { box.remove(); box = null; }
  }
})();
