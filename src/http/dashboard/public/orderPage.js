import { getEveryPage, getJson } from './api.js';
import { h, int, money, table, time } from './format.js';

/** The whole timeline, page after page (an order rarely fills one). */
const timelineOf = (key) => getEveryPage(`/v1/reports/orders/${key}/timeline?limit=1000`, 'events');

async function load(orderKey) {
  const key = encodeURIComponent(orderKey);
  const [order, timeline, open, resolved] = await Promise.all([
    getJson(`/v1/orders/${key}`),
    timelineOf(key),
    getEveryPage(`/v1/exceptions?orderKey=${key}&status=OPEN&limit=1000`),
    getEveryPage(`/v1/exceptions?orderKey=${key}&status=RESOLVED&limit=1000`),
  ]);
  return { order, timeline, exceptions: [...open.items, ...resolved.items] };
}

const fact = (label, value) => h('div', { class: 'fact' }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value ?? '—'));

function render(view, { order: o, timeline: t, exceptions }) {
  const q = (l, k) => int(l.quantities[k]);
  const verified = t.verification.ok
    ? h('span', { class: 'badge ok', id: 'chain' }, `hash chain verified (${t.verification.checked} events)`)
    : h('span', { class: 'badge bad', id: 'chain' }, `hash chain BROKEN at event ${t.verification.brokenAt?.index}: ${t.verification.reason}`);
  view.replaceChildren(
    h('p', {}, h('a', { href: '/dashboard', 'data-link': true }, '← overview')),
    h('h1', {}, `Order ${o.orderKey} `, h('span', { class: 'status', id: 'order-status' }, o.displayStatus)),
    h('div', { class: 'facts' },
      fact('Customer', o.soldTo), fact('Channel', o.channel), fact('Customer PO', o.customerPO), fact('ERP order', o.erpOrderNumber),
      fact('Ordered value', money(o.orderedValue, o.currency)), fact('Open value', money(o.openValue, o.currency)),
      fact('Promised ship', o.dates?.promised), fact('Last milestone', o.lastMilestone ? `${o.lastMilestone.type} ${time(o.lastMilestone.at)}` : null)),
    h('section', { class: 'panel wide' }, h('h2', {}, 'Lines'), table([
      ['Line', (l) => l.lineNo], ['SKU', (l) => l.sku], ['Status', (l) => l.status], ['Ordered', (l) => q(l, 'ordered')], ['Net', (l) => q(l, 'net')],
      ['Allocated', (l) => q(l, 'allocated')], ['Backordered', (l) => q(l, 'backordered')], ['Shipped', (l) => q(l, 'shipped')],
      ['Delivered', (l) => q(l, 'delivered')], ['Invoiced', (l) => q(l, 'invoiced')], ['Open', (l) => q(l, 'open')],
      ['Open value', (l) => money(l.openValue, o.currency)], ['Ships from', (l) => l.shipFrom], ['Promised', (l) => l.promisedShipDate],
    ], o.lines)),
    h('section', { class: 'panel wide' }, h('h2', {}, 'Exceptions'), table([
      ['Code', (e) => e.code], ['Status', (e) => e.status], ['At risk', (e) => money(e.valueAtRisk, e.currency)], ['Lines', (e) => e.lineNos.join(', ') || 'order'],
      ['Raised', (e) => time(e.raisedAt)], ['Resolved', (e) => time(e.resolvedAt)],
    ], exceptions, 'No exceptions')),
    h('section', { class: 'panel wide' }, h('h2', {}, 'History ', verified),
      h('ol', { class: 'timeline', id: 'timeline' }, t.events.map((e) => h('li', { 'data-type': e.type },
        h('span', { class: 'when' }, time(e.occurredAt)), ' ', h('b', {}, e.type),
        h('div', { class: 'who' },
          `${e.system ? `${e.system.kind} (${e.system.instance})` : 'unknown system'}`,
          e.actor ? ` · ${e.actor.type} ${e.actor.name ?? e.actor.id}` : '',
          e.sourceDocument ? ` · ${e.sourceDocument.type} ${e.sourceDocument.id}` : '',
          ` · recorded ${time(e.recordedAt)}`,
          e.correlationId ? h('span', { class: 'correlation' }, ` · correlation ${e.correlationId}`) : ''),
      )))),
  );
}

/** One order: state, lines, exceptions and the verified history as a timeline; refreshed when a live change names it. */
export async function renderOrder(view, orderKey) {
  render(view, await load(orderKey));
  return {
    onChange(change) {
      if (change.events.some((e) => e.orderKey === orderKey)) void load(orderKey).then((data) => render(view, data));
    },
  };
}
