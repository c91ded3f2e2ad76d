// The query page: an editor (sparql-editor.js, CodeMirror 6) in place of the textarea, the query kept in the
// address (?query=…, so it can be shared and the back button returns to the previous query), answers fetched
// and shown as a table with labels, and errors in Swedish with line and column marked in the editor.
// Without JavaScript the form still works: it loads /sparql?query=… and the server renders the same table.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var select = document.getElementById("format");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var editorData = JSON.parse(document.getElementById("editor-data").textContent);
  var editor = null;

  if (window.KommunmalSparqlEditor) {
    editor = window.KommunmalSparqlEditor.create(textarea, {
      prefixes: editorData.prefixes,
      terms: editorData.terms,
      onRun: function () { run(true); },
    });
    document.querySelector("label[for=query]").addEventListener("click", function () { editor.focus(); });
  } else {
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run(true);
      }
    });
  }

  function text() { return editor ? editor.getValue() : textarea.value; }
  function setText(value) {
    if (editor) editor.setValue(value);
    else textarea.value = value;
  }

  // An error the server already rendered (the page was opened with ?query=…): mark it in the editor too.
  var rendered = results.querySelector(".error[data-line]");
  if (rendered && editor) {
    editor.markError(Number(rendered.dataset.line), Number(rendered.dataset.column), rendered.querySelector("p").textContent);
  }

  history.replaceState({ query: new URLSearchParams(location.search).get("query") }, "");

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      setText(examples[Number(link.getAttribute("data-example"))]);
      if (editor) editor.focus();
      else textarea.focus();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(true);
  });

  window.addEventListener("popstate", function (event) {
    var query = (event.state && event.state.query) || new URLSearchParams(location.search).get("query");
    if (query) {
      setText(query);
      run(false);
    } else {
      results.replaceChildren();
      status.textContent = "";
    }
  });

  // The Swedish form of the endpoint's error text; the same rules as kommunmal.web.routes.query_page.problem.
  function problem(code, message) {
    message = message.trim();
    var own = message.match(/^Syntaxfel på rad (\d+), kolumn (\d+): /);
    if (own) {
      return { text: message.split("\n")[0], line: Number(own[1]), column: Number(own[2]) };
    }
    var m = message.match(/(?:error )?at (\d+):(\d+)(?:\s*-\s*\d+:\d+)?:?\s*([\s\S]*)/);
    if (code === 400 && m) {
      var rest = m[3].trim();
      var oneOf = rest.match(/^expected one of ([\s\S]+)$/);
      var expected = rest.match(/^expected ([\s\S]+)$/);
      var said = oneOf ? "parsern väntade sig något av " + oneOf[1]
        : expected ? "parsern väntade sig " + expected[1]
        : rest === "unexpected end of input" ? "frågan tar slut för tidigt" : rest;
      return { text: "Syntaxfel på rad " + m[1] + ", kolumn " + m[2] + ": " + said + ".",
               line: Number(m[1]), column: Number(m[2]) };
    }
    if (code === 400 && message.indexOf("SERVICE") >= 0) {
      return { text: "Frågan avvisades: SERVICE (federerade frågor) är inte tillåtet här." };
    }
    if ((code === 400 || code === 403) && (/update/i.test(message) || message.indexOf("read-only") >= 0)) {
      return { text: "Frågan avvisades: ändpunkten är skrivskyddad och tar bara emot frågor, inte uppdateringar." };
    }
    if (code === 503) {
      return { text: "Frågan hann inte bli klar inom tidsgränsen, eller servern är upptagen. Förenkla frågan eller försök igen." };
    }
    return { text: code === 400 ? "Frågan kunde inte tolkas." : "Frågan kunde inte besvaras (fel " + code + ")." };
  }

  function showError(code, message) {
    var found = problem(code, message);
    var box = document.createElement("div");
    box.className = "error";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = found.text;
    var detail = document.createElement("p");
    detail.className = "help";
    detail.append("Ändpunktens meddelande: ");
    var code_ = document.createElement("code");
    code_.textContent = message.trim();
    detail.appendChild(code_);
    box.append(p, detail);
    if (found.line) {
      box.dataset.line = found.line;
      box.dataset.column = found.column;
      if (editor) editor.markError(found.line, found.column, found.text);
    }
    status.textContent = "Frågan kunde inte köras.";
    results.replaceChildren(box);
  }

  // Queries longer than this are not put in the address: servers refuse request lines beyond some 8-64 KB
  // (uvicorn answers "Invalid HTTP request"), so the page could not be reloaded or shared. They are posted.
  var LONGEST_IN_ADDRESS = 6000;

  function run(push) {
    var query = text();
    var format = select.value;
    var long = query.length > LONGEST_IN_ADDRESS;
    form.method = long ? "post" : "get";
    if (push) {
      var url = form.getAttribute("action") + (long ? "" : "?" + new URLSearchParams({ query: query }).toString());
      if (location.pathname + location.search !== url || long) history.pushState({ query: query }, "", url);
    }
    if (editor) editor.clearErrors();
    var body = new URLSearchParams();
    body.set("query", query);
    if (format) body.set("format", format);
    var headers = { "Content-Type": "application/x-www-form-urlencoded" };
    if (!format) headers.Accept = "application/sparql-results+json, text/turtle;q=0.9";
    status.textContent = "Kör frågan …";
    results.replaceChildren();
    var started = performance.now();
    fetch(form.getAttribute("action"), { method: "POST", headers: headers, body: body })
      .then(function (response) {
        return response.text().then(function (t) { return { response: response, text: t }; });
      })
      .then(function (answer) {
        var response = answer.response;
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          showError(response.status, answer.text);
          return;
        }
        var type = (response.headers.get("Content-Type") || "").split(";")[0];
        var note = response.headers.get("X-Kommunmal-Truncated") === "true"
          ? " Resultatet är avkortat vid radtaket." : "";
        if (type === "application/sparql-results+json") {
          var data = JSON.parse(answer.text);
          if ("boolean" in data) {
            status.textContent = "Svar (" + ms + " ms): " + (data.boolean ? "ja (true)" : "nej (false)") + note;
            return;
          }
          var n = data.results.bindings.length;
          return labels(data).then(function (found) {
            status.textContent = n + (n === 1 ? " rad" : " rader") + " (" + ms + " ms)." + note;
            results.appendChild(table(data, found));
            results.focus();
          });
        }
        status.textContent = "Svar i " + type + " (" + ms + " ms)." + note;
        results.appendChild(download(answer.text, type));
        var pre = document.createElement("pre");
        pre.textContent = answer.text;
        results.appendChild(pre);
        results.focus();
      })
      .catch(function (error) {
        status.textContent = "Frågan kunde inte skickas: " + error;
      });
  }

  // Labels and addresses of the IRIs in the answer, from the server (the same the no-script page shows).
  function labels(data) {
    var iris = {};
    data.results.bindings.forEach(function (binding) {
      Object.keys(binding).forEach(function (name) {
        if (binding[name].type === "uri") iris[binding[name].value] = true;
      });
    });
    var list = Object.keys(iris).slice(0, 2000);
    if (!list.length) return Promise.resolve({});
    return fetch(form.dataset.labels, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ iris: list }),
    })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; });
  }

  // IRIs under the deployment's base IRI are served here too; link to this server's copy.
  function localAddress(iri) {
    var base = form.dataset.base;
    return base && iri.indexOf(base) === 0 ? form.dataset.root + iri.slice(base.length) : iri;
  }

  function table(data, found) {
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
          var shown = found[term.value];
          var a = document.createElement("a");
          a.href = shown ? shown.href : localAddress(term.value);
          a.textContent = shown ? shown.text : term.value;
          a.title = term.value;
          cell.appendChild(a);
        } else if (term.type === "bnode") {
          cell.textContent = "_:" + term.value;
        } else {
          cell.textContent = term.value;
          if (term["xml:lang"]) cell.lang = term["xml:lang"];
        }
      });
    });
    return t;
  }

  function download(body, type) {
    var p = document.createElement("p");
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([body], { type: type }));
    a.download = "resultat." + (select.value || "txt");
    a.textContent = "Ladda ner resultatet";
    p.appendChild(a);
    return p;
  }
})();
