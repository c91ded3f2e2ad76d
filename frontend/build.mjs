// Bundle the query page's editor with esbuild into the package's static files, with the licence notices of
// every npm package that ends up in the bundle. Run `npm ci && npm run build` here, or `make editor` at the top.
import { build } from "esbuild";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "kommunmal", "web", "static");

const result = await build({
  entryPoints: [join(here, "src", "sparql-editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "KommunmalSparqlEditor",
  target: ["es2020"],
  legalComments: "none",
  metafile: true,
  outfile: join(out, "sparql-editor.js"),
  banner: { js: "/* kommunmal SPARQL editor: CodeMirror 6 bundle; licences in sparql-editor.LICENSES.txt */" },
});

// Which packages the bundle holds, from the inputs esbuild read.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
const notices = [];
for (const name of [...packages].sort()) {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const licenceFile = readdirSync(folder).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = licenceFile ? readFileSync(join(folder, licenceFile), "utf8").trim() : `License: ${meta.license}`;
  notices.push(`${name} ${meta.version} (${meta.license})\n${"-".repeat(40)}\n${text}\n`);
}
writeFileSync(
  join(out, "sparql-editor.LICENSES.txt"),
  "Third-party software in sparql-editor.js, bundled from npm by frontend/build.mjs.\n\n" + notices.join("\n"),
);
console.log(`sparql-editor.js: ${packages.size} packages bundled`);
