// How figures are shown; the raw value stays on the element (data-value) for anyone checking it.
export const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
export const int = (x) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US'));
export const money = (x, currency) => (x === null || x === undefined ? '—' : `${Number(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency ?? ''}`.trim());
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
export const time = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '—');

/** `h('tr', {class: 'x'}, child, …)`: a DOM element; text children are escaped by construction. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A table of rows; `columns` are [heading, row => cell]; `rowAttrs(row)` gives each row's attributes. */
export function table(columns, rows, empty = 'None', rowAttrs = () => ({})) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', {}, title)))),
    h('tbody', {}, rows.map((r) => h('tr', rowAttrs(r), columns.map(([, cell]) => h('td', {}, cell(r)))))));
}

/** A link inside the page (handled by the router, no reload). */
export const orderLink = (orderKey) => h('a', { href: `/dashboard/orders/${encodeURIComponent(orderKey)}`, 'data-link': true }, orderKey);
