// The search box in the header: suggestions while typing (a WAI-ARIA combobox with a listbox).
// Without JavaScript the box is a plain form that opens /search?q=….
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  var list = document.getElementById("site-search-list");
  if (!input || !list || !window.fetch) return;
  var endpoint = input.getAttribute("data-suggest");
  var timer = null;
  var active = -1;
  var items = [];
  var pending = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function show(suggestions) {
    list.replaceChildren();
    items = suggestions;
    active = -1;
    if (!suggestions.length) {
      close();
      return;
    }
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "site-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = s.url;
      a.tabIndex = -1;
      var title = document.createElement("span");
      title.className = "title";
      title.textContent = s.title;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = s.kind_label;
      a.appendChild(title);
      a.appendChild(kind);
      li.appendChild(a);
      // mousedown, not click: the input's blur would close the list before a click lands.
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = s.url;
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) {
      close();
      return;
    }
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(endpoint + "?q=" + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (input.value.trim() === q) show(data.suggestions || []);
      })
      .catch(function () { /* aborted by a newer keystroke, or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].url;
    } else if (event.key === "Escape") {
      event.preventDefault(); // close the list; a second Escape clears the box as usual
      close();
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
