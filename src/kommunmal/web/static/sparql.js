// The query page: runs the query with fetch and shows SELECT/ASK answers as a table, other formats as text.
// Without JavaScript the form still works: it loads /sparql?query=… in the chosen format.
(function () {
  "use strict";
  // IRIs under the deployment's base IRI are served here too; link to this server's copy.
  function localAddress(iri) {
    var form = document.getElementById("query-form");
    var base = form && form.dataset.base;
    return base && iri.indexOf(base) === 0 ? form.dataset.root + iri.slice(base.length) : iri;
  }

  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var select = document.getElementById("format");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      textarea.value = examples[Number(link.getAttribute("data-example"))];
      textarea.focus();
    });
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  function run() {
    var format = select.value;
    var body = new URLSearchParams();
    body.set("query", textarea.value);
    if (format) body.set("format", format);
    var headers = { "Content-Type": "application/x-www-form-urlencoded" };
    if (!format) headers.Accept = "application/sparql-results+json, text/turtle;q=0.9";
    status.textContent = "Kör frågan …";
    results.replaceChildren();
    var started = performance.now();
    fetch(form.getAttribute("action"), { method: "POST", headers: headers, body: body })
      .then(function (response) {
        return response.text().then(function (text) { return { response: response, text: text }; });
      })
      .then(function (answer) {
        var response = answer.response;
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          status.textContent = "Fel " + response.status + ": " + answer.text.trim();
          return;
        }
        var type = (response.headers.get("Content-Type") || "").split(";")[0];
        var note = response.headers.get("X-Kommunmal-Truncated") === "true"
          ? " Resultatet är avkortat vid radtaket." : "";
        if (type === "application/sparql-results+json") {
          var data = JSON.parse(answer.text);
          if ("boolean" in data) {
            status.textContent = "Svar (" + ms + " ms): " + (data.boolean ? "ja (true)" : "nej (false)") + note;
          } else {
            status.textContent = data.results.bindings.length + " rader (" + ms + " ms)." + note;
            results.appendChild(table(data));
          }
        } else {
          status.textContent = "Svar i " + type + " (" + ms + " ms)." + note;
          results.appendChild(download(answer.text, type));
          var pre = document.createElement("pre");
          pre.textContent = answer.text;
          results.appendChild(pre);
        }
        results.focus();
      })
      .catch(function (error) {
        status.textContent = "Frågan kunde inte skickas: " + error;
      });
  }

  function table(data) {
    var vars = data.head.vars || [];
    var t = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = "Frågans resultat";
    t.appendChild(caption);
    var head = t.createTHead().insertRow();
    vars.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = "?" + name;
      head.appendChild(th);
    });
    var body = t.createTBody();
    data.results.bindings.forEach(function (binding) {
      var row = body.insertRow();
      vars.forEach(function (name) {
        var cell = row.insertCell();
        var term = binding[name];
        if (!term) return;
        if (term.type === "uri") {
          var a = document.createElement("a");
          a.href = localAddress(term.value);
          a.textContent = term.value;
          cell.appendChild(a);
        } else if (term.type === "bnode") {
          cell.textContent = "_:" + term.value;
        } else {
          cell.textContent = term.value;
          if (term["xml:lang"]) {
            cell.lang = term["xml:lang"];
          }
        }
      });
    });
    return t;
  }

  function download(text, type) {
    var p = document.createElement("p");
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = "resultat." + (select.value || "txt");
    a.textContent = "Ladda ner resultatet";
    p.appendChild(a);
    return p;
  }
})();
