import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type pg from 'pg';

export interface SeededSnapshot {
  readonly rows: number;
  readonly ledgerLines: number;
  /** The drift the file was written with, by kind. */
  readonly drift: Record<'missing_downstream' | 'missing_in_ledger' | 'status_mismatch' | 'quantity_mismatch' | 'value_mismatch', number>;
}

/**
 * Writes what the read models show as a CSV snapshot, one row per order
 * line, read in pages so the bench holds one page: every 1,000th order
 * left out, one given another status, one a line shipped one more, one
 * another ordered value, and `ghosts` orders the ledger does not have.
 */
export async function writeSnapshot(pool: pg.Pool, file: string, ghosts = 100): Promise<SeededSnapshot> {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write('order,status,line,ordered,shipped,invoiced,ordered_value,invoiced_total');
  const drift = { missing_downstream: 0, missing_in_ledger: ghosts, status_mismatch: 0, quantity_mismatch: 0, value_mismatch: 0 };
  let rows = 0;
  let ledgerLines = 0;
  let after: [string, number] = ['', 0];
  let order = -1;
  let previous = '';
  for (;;) {
    const { rows: page } = await pool.query<{ order_key: string; status: string; line_no: number; ordered: string; shipped: string; invoiced: string; ordered_value: string; invoiced_total: string }>(
      `SELECT l.order_key, o.status, l.line_no, l.ordered::text, l.shipped::text, l.invoiced::text, o.ordered_value::text, o.invoiced_total::text
         FROM reporting.crm_order_lines l JOIN reporting.crm_orders o USING (order_key)
        WHERE (l.order_key, l.line_no) > ($1, $2) ORDER BY l.order_key, l.line_no LIMIT 10000`, after);
    if (page.length === 0) break;
    for (const r of page) {
      ledgerLines++;
      if (r.order_key !== previous) {
        order++;
        previous = r.order_key;
        const seeded = order % 1000;
        if (seeded === 1) drift.missing_downstream++;
        if (seeded === 2) drift.status_mismatch++;
        if (seeded === 3) drift.quantity_mismatch++;
        if (seeded === 4) drift.value_mismatch++;
      }
      const seeded = order % 1000;
      if (seeded === 1) continue;
      const status = seeded === 2 ? 'NOT_THIS' : r.status;
      const shipped = seeded === 3 && r.line_no === 1 ? String(Number(r.shipped) + 1) : r.shipped;
      const value = seeded === 4 ? String(Number(r.ordered_value) + 1) : r.ordered_value;
      await write([r.order_key, status, r.line_no, r.ordered, shipped, r.invoiced, value, r.invoiced_total].join(','));
      rows++;
    }
    const last = page.at(-1)!;
    after = [last.order_key, last.line_no];
  }
  for (let i = 1; i <= ghosts; i++) {
    await write(`GHOST-${i},ACCEPTED,1,1,0,0,10,0`);
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return { rows, ledgerLines, drift };
}
