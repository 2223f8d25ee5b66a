import { createHash } from 'node:crypto';
import { html, Html } from './escape.js';

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5a6270; --line: #d5d9e0; --bad: #b42318; --bad-bg: #fde8e6; --good: #0b6e3a; --good-bg: #e3f5ea; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p, li { max-width: 80ch; }
.lead { color: var(--muted); margin-top: 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; font-size: .88rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; caption-side: top; }
th, td { border-bottom: 1px solid var(--line); padding: .28rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #f3f5f8; border-bottom: 2px solid #b8bfca; vertical-align: bottom; max-width: 11rem; }
tbody th { font-weight: 600; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
td.bad, td.good { white-space: nowrap; }
details { margin: .5rem 0 1rem; } summary { cursor: pointer; font-weight: 600; }
.unit { font-weight: 400; color: var(--muted); }
td.bad, th.bad { color: var(--bad); background: var(--bad-bg); font-weight: 600; }
td.good, th.good { color: var(--good); background: var(--good-bg); }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: inherit; white-space: normal; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.chart { margin: .5rem 0 1.2rem; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.charts > figure { flex: 0 1 auto; max-width: 540px; }
figure { margin: 0; }
figcaption { font-size: .85rem; color: var(--muted); max-width: 70ch; }
.note { border-left: 4px solid #c9a227; background: #fbf6e4; padding: .5rem .8rem; max-width: 90ch; }
.verdict-regression { color: var(--bad); font-weight: 700; }
.verdict-improved { color: var(--good); font-weight: 700; }
.passed { color: var(--good); font-weight: 700; } .failed { color: var(--bad); font-weight: 700; }
.heatmaps td, .heatmaps th { text-align: center; font-size: .72rem; line-height: 1.2; padding: .15rem; border: 0; }
.heatmaps tbody th { text-align: right; max-width: 9rem; }
.heatmaps thead th { background: none; }
.heatmaps img { display: block; margin: 0 auto; image-rendering: pixelated; width: 72px; height: auto; border: 1px solid var(--line); }
.heatmaps .wrong { color: var(--bad); font-weight: 700; }
.legend-swatch { display: inline-block; width: 1em; height: .8em; vertical-align: middle; border: 1px solid var(--line); }
.swatch-pos { background: rgb(230, 40, 30); } .swatch-neg { background: rgb(40, 90, 230); } .swatch-mask { background: rgb(0, 220, 0); }
code { font-size: .85em; word-break: break-all; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 7.5pt; } th, td { padding: .15rem .3rem; }
  .heatmaps img { width: 44px; } .heatmaps td, .heatmaps th { font-size: 6.5pt; }
  nav, th button::after { display: none; }
  h2 { break-after: avoid; } table, figure, .chart { break-inside: avoid; }
  .table-wrap, .chart { overflow: visible; }
  td.bad { outline: 1px solid var(--bad); }
  a { color: inherit; text-decoration: none; }
}
`;

// Sorts a table by a clicked column header: numbers by their data-sort value, text otherwise.
const SCRIPT = `
for (const table of document.querySelectorAll('table.sortable')) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, column) => {
    const button = document.createElement('button');
    button.type = 'button';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener('click', () => {
      const order = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      heads.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', order);
      const key = (row) => { const cell = row.cells[column]; const v = cell && cell.dataset.sort; return v !== undefined && v !== '' && !isNaN(+v) ? +v : (cell ? cell.textContent : ''); };
      const rows = [...table.tBodies[0].rows];
      rows.sort((a, b) => { const x = key(a), y = key(b); const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true }); return order === 'ascending' ? c : -c; });
      for (const row of rows) table.tBodies[0].appendChild(row);
    });
  });
}
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy of every report: nothing may load from anywhere (no network, no
 * other file); images only as data: URIs; the one style sheet and the one script of the page
 * by their hashes, so an injected script or style would not run even if escaping failed.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; img-src data:; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; base-uri 'none'; form-action 'none'`;

/** A complete, self-contained HTML document. */
export function page(title: string, body: Html): string {
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><style>${new Html(STYLE)}</style></head><body>${body}<script>${new Html(SCRIPT)}</script></body></html>`.html}\n`;
}
