// The query page's SPARQL editor: CodeMirror 6 with the SPARQL stream mode of @codemirror/legacy-modes,
// completion of SPARQL keywords and of the prefixes, classes and properties the page lists (with a PREFIX line
// added when a prefixed name is completed whose prefix is not declared yet), and error marks at line:column.
// Built by build.mjs into src/kommunmal/web/static/sparql-editor.js; the page works without it.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput,
} from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = [
  "PREFIX", "BASE", "SELECT", "DISTINCT", "REDUCED", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "FROM", "NAMED",
  "OPTIONAL", "FILTER", "BIND", "VALUES", "UNION", "MINUS", "GRAPH", "GROUP BY", "HAVING", "ORDER BY", "ASC",
  "DESC", "LIMIT", "OFFSET", "AS", "NOT EXISTS", "EXISTS", "IN", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE",
  "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "CONTAINS", "STRSTARTS", "REGEX",
  "LCASE", "UCASE", "YEAR", "COALESCE", "IF", "isIRI", "isLiteral",
];

function declared(doc) {
  const found = new Set();
  const re = /PREFIX\s+([\w-]*):/gi;
  let m;
  while ((m = re.exec(doc)) !== null) found.add(m[1]);
  return found;
}

function prefixedOption(prefixes, term) {
  return {
    label: term.curie,
    type: term.kind === "class" ? "class" : "property",
    detail: term.label || "",
    apply(view, completion, from, to) {
      const prefix = term.curie.split(":")[0];
      const changes = [{ from, to, insert: term.curie }];
      if (prefixes[prefix] && !declared(view.state.doc.toString()).has(prefix)) {
        changes.push({ from: 0, to: 0, insert: `PREFIX ${prefix}: <${prefixes[prefix]}>\n` });
      }
      const offset = changes.length > 1 ? changes[1].insert.length : 0;
      view.dispatch({ changes, selection: { anchor: from + term.curie.length + offset } });
    },
  };
}

function completions(prefixes, terms) {
  const prefixNames = Object.keys(prefixes);
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (/PREFIX\s+[\w-]*$/i.test(before)) {
      const word = context.matchBefore(/[\w-]*/);
      return {
        from: word.from,
        options: prefixNames.map((p) => ({ label: `${p}: <${prefixes[p]}>`, type: "namespace" })),
      };
    }
    const word = context.matchBefore(/[\w-]*:?[\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    if (word.text.includes(":")) {
      const prefix = word.text.split(":")[0];
      return {
        from: word.from,
        options: terms.filter((t) => t.curie.startsWith(prefix + ":")).map((t) => prefixedOption(prefixes, t)),
        validFor: /^[\w-]*:[\w-]*$/,
      };
    }
    return {
      from: word.from,
      options: [
        ...KEYWORDS.map((k) => ({ label: k, type: "keyword" })),
        ...prefixNames.map((p) => ({ label: p + ":", type: "namespace", detail: prefixes[p] })),
        ...terms.map((t) => prefixedOption(prefixes, t)),
      ],
    };
  };
}

// Replace `textarea` with an editor that keeps the textarea's value in step (so the form still submits it).
// options: {prefixes: {name: namespace}, terms: [{curie, kind, label}], onRun: function}
export function create(textarea, options) {
  const prefixes = options.prefixes || {};
  const terms = options.terms || [];
  const run = options.onRun || (() => {});
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        history(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        lintGutter(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [completions(prefixes, terms)], activateOnTyping: true }),
        keymap.of([
          { key: "Mod-Enter", run: () => { run(); return true; } },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
        EditorView.contentAttributes.of({ "aria-label": "SPARQL-fråga", "aria-describedby": "query-help" }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.insertAdjacentElement("afterend", view.dom);
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    clearErrors: () => view.dispatch(setDiagnostics(view.state, [])),
    // Mark the parser's error at line:column (both 1-based) with `message`, and put the cursor there.
    markError(line, column, message) {
      const doc = view.state.doc;
      const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
      const from = Math.min(l.from + Math.max(0, column - 1), l.to);
      const to = Math.min(from + 1, l.to) > from ? from + 1 : from;
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
  };
}
