// Writes static/vendor/bootstrap/bootstrap.trimmed.min.css: bootstrap.min.css without the rules no
// page can use (`make css`; the result is committed, the pages link it instead of the full file).
//
// PurgeCSS keeps a rule when every class, id, element and attribute of its selector appears as a
// word in the scanned files: every template of the portal (staff pages share the base), the
// crispy-bootstrap5 templates that render forms, the Python code (widget attrs, template tags),
// our JavaScript and tom-select's (it copies classes onto its own elements). Bootstrap's own
// script is not loaded (static/portal/actions.js folds the navbar); the classes set at run time
// are on the safelist with the classes that templates build from pieces.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { PurgeCSS } from "purgecss";

const python = process.env.PYTHON || ".venv/bin/python";
const crispy = execFileSync(python, ["-c", "import crispy_bootstrap5, os; print(os.path.dirname(crispy_bootstrap5.__file__))"])
  .toString()
  .trim();

const SOURCE = "static/vendor/bootstrap/bootstrap.min.css";
const OUTPUT = "static/vendor/bootstrap/bootstrap.trimmed.min.css";

const [result] = await new PurgeCSS().purge({
  css: [SOURCE],
  content: [
    "templates/**/*.html",
    "{portal,grids,centers,projects}/**/templates/**/*.html",
    "{portal,grids,centers,projects}/**/*.py",
    "static/{portal,grids,centers,projects}/**/*.js",
    "static/vendor/tom-select/tom-select.complete.min.js",
    `${crispy}/templates/bootstrap5/**/*.html`,
  ],
  safelist: {
    // alert-{{ message.tags }} in base.html: Django's message levels.
    // collapse/show: the folded navbar on a phone, toggled by static/portal/actions.js (data-disclosure).
    standard: ["alert-success", "alert-info", "alert-warning", "alert-danger", "collapse", "collapsing", "collapsed", "show"],
  },
});

const banner = readFileSync(SOURCE, "utf8").match(/\/\*![\s\S]*?\*\//)[0];
const css = result.css.includes(banner) ? result.css : `${banner}\n${result.css}`;
writeFileSync(
  OUTPUT,
  `${css.trimEnd()}\n/* Trimmed by tools/trim_css.mjs (make css) from bootstrap.min.css: do not edit. */\n`,
);
console.log(`${OUTPUT}: ${readFileSync(SOURCE).length} -> ${Buffer.byteLength(css)} bytes`);
