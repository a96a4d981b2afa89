// The readiness quiz, enhanced: one statement per screen with Back and
// Next, a progress bar, and the result shown without a page load. Without
// this script the form is an ordinary form that posts to /api/quiz.
(() => {
  "use strict";
  const form = document.querySelector("form[data-quiz]");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  const progress = form.querySelector("[data-progress]");
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-progress-text]");
  const nav = form.querySelector("[data-nav]");
  const submit = nav.querySelector("button[type=submit]");
  const result = document.getElementById("quiz-result");
  let current = 0;

  const back = button("Back", "button secondary");
  const next = button("Next", "button");
  nav.prepend(back, next);
  progress.hidden = false;
  form.classList.add("stepped");

  function button(label, cls) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    return b;
  }
  const answered = (step) => !!step.querySelector("input[type=radio]:checked");
  const count = () => steps.filter(answered).length;

  function show(i, focus) {
    current = Math.max(0, Math.min(i, steps.length - 1));
    steps.forEach((s, j) => { s.hidden = j !== current; });
    back.hidden = current === 0;
    const last = current === steps.length - 1;
    next.hidden = last;
    submit.hidden = !last;
    bar.value = count();
    text.textContent = `Statement ${current + 1} of ${steps.length}, ${count()} answered`;
    if (focus) {
      const legend = steps[current].querySelector("legend");
      legend.tabIndex = -1;
      legend.focus();
    }
  }

  function problem(step, message) {
    let p = step.querySelector(".field-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error";
      p.id = "e-" + step.id;
      step.querySelector("legend").after(p);
      step.querySelector("fieldset").setAttribute("aria-describedby", p.id);
    }
    p.textContent = message;
    p.setAttribute("role", "alert");
  }

  function clear(step) {
    const p = step.querySelector(".field-error");
    if (p) p.remove();
    step.querySelector("fieldset").removeAttribute("aria-describedby");
  }

  function forward() {
    const step = steps[current];
    if (!answered(step)) {
      problem(step, "Choose an answer for this statement.");
      step.querySelector("input[type=radio]").focus();
      return false;
    }
    clear(step);
    show(current + 1, true);
    return true;
  }

  back.addEventListener("click", () => show(current - 1, true));
  next.addEventListener("click", forward);
  form.addEventListener("change", (e) => {
    if (e.target.type === "radio") {
      clear(steps[current]);
      bar.value = count();
      text.textContent = `Statement ${current + 1} of ${steps.length}, ${count()} answered`;
    }
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    // Enter on a statement moves on; only the last one sends the form.
    if (current < steps.length - 1) { forward(); return; }
    const missing = steps.findIndex((s) => !answered(s));
    if (missing >= 0) {
      show(missing, true);
      problem(steps[missing], "Choose an answer for this statement.");
      return;
    }
    submit.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(new FormData(form)),
      });
      const data = await res.json();
      if (res.ok) {
        result.innerHTML = data.html;
        result.hidden = false;
        form.hidden = true;
        const intro = document.querySelector(".quiz .page-head");
        if (intro) intro.hidden = true;
        history.pushState({ result: data.id }, "", data.url);
        const h = result.querySelector("h2");
        if (h) h.focus();
        return;
      }
      const ids = Object.keys(data.fields || {});
      if (ids.length) {
        const i = steps.findIndex((s) => s.id === "q-" + ids[0]);
        show(i, true);
        problem(steps[i], data.fields[ids[0]]);
        return;
      }
      throw new Error(data.error || res.statusText);
    } catch (err) {
      form.submit(); // let the server answer with a page instead
    } finally {
      submit.disabled = false;
    }
  });

  const first = steps.findIndex((s) => s.querySelector(".field-error") || !answered(s));
  show(first < 0 ? 0 : first, false);
})();
