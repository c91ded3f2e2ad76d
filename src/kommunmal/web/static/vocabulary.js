// The vocabulary page's filter: hide the terms whose Swedish or English label or name lacks the typed text.
(function () {
  const input = document.getElementById("term-filter");
  const count = document.getElementById("term-count");
  if (!input) return;
  const terms = Array.from(document.querySelectorAll("article.term"));
  function apply() {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const t of terms) {
      const hit = words.every((w) => t.dataset.terms.includes(w));
      t.hidden = !hit;
      if (hit) shown++;
    }
    for (const s of document.querySelectorAll("section.term-section")) {
      s.hidden = !s.querySelector("article.term:not([hidden])");
    }
    count.textContent = words.length ? (shown === 1 ? "1 term" : shown + " termer") + " visas" : "";
  }
  input.addEventListener("input", apply);
})();
