import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { OrderAliases, type Alias } from '../../src/orders/orderAliases.js';
import { UnmatchedQueue } from '../../src/orders/UnmatchedQueue.js';
import { envelopeFor } from '../domain/support/fixtures.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase(4);

/** The real pool, counting the statements sent through it. */
function counting(pool: pg.Pool): { pool: pg.Pool; statements: () => number } {
  let statements = 0;
  const wrapped = Object.create(pool) as pg.Pool;
  wrapped.query = ((...args: Parameters<pg.Pool['query']>) => {
    statements += 1;
    return (pool.query as (...a: unknown[]) => unknown)(...args);
  }) as pg.Pool['query'];
  return { pool: wrapped, statements: () => statements };
}

const erp = (value: string): Alias => ({ kind: 'erp', value });
const po = (value: string): Alias => ({ kind: 'po', value });

describe('binding an order\'s aliases', () => {
  it('binds and reads what waits under each of the order\'s aliases in one statement, whether the alias is new, known or another order\'s', async () => {
    const queue = new UnmatchedQueue(db.pool);
    const first = await queue.park(erp('SO-1'), 'InventoryAllocated', { a: 1 }, envelopeFor('InventoryAllocated', { doc: 'ALLOC-1' }));
    const second = await queue.park(erp('SO-1'), 'Picked', { b: 2 }, envelopeFor('Picked', { doc: 'PICK-1' }));
    const onPo = await queue.park(po('C-1:PO-1'), 'InventoryAllocated', { c: 3 }, envelopeFor('InventoryAllocated', { doc: 'ALLOC-2' }));
    const { pool, statements } = counting(db.pool);
    const aliases = new OrderAliases(pool);

    const bound = await aliases.bind('O-1', [erp('SO-1'), po('C-1:PO-1'), erp('SO-EMPTY')], '');
    expect(statements()).toBe(1);
    const byAlias = Object.fromEntries(bound.map((b) => [`${b.alias.kind}:${b.alias.value}`, b.waiting.map((w) => w.id)]));
    expect(byAlias).toEqual({ 'erp:SO-1': [first.entry.id, second.entry.id], 'po:C-1:PO-1': [onPo.entry.id], 'erp:SO-EMPTY': [] });
    expect(bound.find((b) => b.alias.value === 'SO-1')!.waiting.map((w) => w.type)).toEqual(['InventoryAllocated', 'Picked']);

    // Another order naming the alias: it keeps its first order, and nothing of it is handed to the other.
    expect(await aliases.bind('O-2', [erp('SO-1')], '')).toEqual([]);
    expect(statements()).toBe(2);
    expect(await new OrderAliases(db.pool).resolve(erp('SO-1'))).toBe('O-1');

    // Known and still this order's: what waits under it is read again (a transition parked after the binding is not stranded).
    const late = await queue.park(erp('SO-EMPTY'), 'Packed', { d: 4 }, envelopeFor('Packed', { doc: 'PACK-1' }));
    const again = await aliases.bind('O-1', [erp('SO-EMPTY'), erp('SO-EMPTY')], '');
    expect(statements()).toBe(3);
    expect(again.map((b) => [b.alias.value, b.waiting.map((w) => w.id)])).toEqual([['SO-EMPTY', [late.entry.id]]]);
    // Bound in memory since: resolving asks nothing.
    expect(await aliases.resolve(erp('SO-EMPTY'))).toBe('O-1');
    expect(statements()).toBe(3);

    // What was applied or discarded waits no more.
    await queue.markApplied(first.entry.id, 'O-1', first.entry.id);
    await queue.discard(po('C-1:PO-1'), 'admin', 'test');
    const after = await aliases.bind('O-1', [erp('SO-1'), po('C-1:PO-1')], '');
    expect(after.map((b) => [b.alias.value, b.waiting.map((w) => w.id)]).sort()).toEqual([['C-1:PO-1', []], ['SO-1', [second.entry.id]]]);
  });

  it('sends the binds that arrive together in one statement, each answered as it would be alone, and one bind\'s bad value fails only that bind', async () => {
    const queue = new UnmatchedQueue(db.pool);
    const waiting = await queue.park(erp('SO-G3'), 'InventoryAllocated', { g: 3 }, envelopeFor('InventoryAllocated', { doc: 'ALLOC-G3' }));
    await new OrderAliases(db.pool).bind('G-HELD', [erp('SO-HELD')], '');
    const { pool, statements } = counting(db.pool);
    const aliases = new OrderAliases(pool);
    const binds = Array.from({ length: 40 }, (_, i) => aliases.bind(`G-${i}`, [erp(`SO-G${i}`), po(`C-G:PO-${i}`)], ''));
    // Two orders naming one new alias in the same statement: the first keeps it. And one another order holds.
    const rival = aliases.bind('G-RIVAL', [erp('SO-G5')], '');
    const held = aliases.bind('G-THIEF', [erp('SO-HELD')], '');
    const answers = await Promise.all(binds);
    // The first goes at once, alone; the 41 that arrive while it runs go together in the next.
    expect(statements()).toBe(2);
    answers.forEach((bound, i) => {
      expect(bound.map((b) => `${b.alias.kind}:${b.alias.value}`).sort(), `G-${i}`).toEqual([`erp:SO-G${i}`, `po:C-G:PO-${i}`]);
      expect(bound.flatMap((b) => b.waiting.map((w) => w.id)), `G-${i}`).toEqual(i === 3 ? [waiting.entry.id] : []);
    });
    expect(await rival).toEqual([]);
    expect(await held).toEqual([]);
    const fresh = new OrderAliases(db.pool);
    expect(await fresh.resolve(erp('SO-G5'))).toBe('G-5');
    expect(await fresh.resolve(erp('SO-HELD'))).toBe('G-HELD');

    // A value PostgreSQL refuses fails its own bind only; the others in its statement are bound.
    const together = [aliases.bind('G-OK-1', [erp('SO-OK-1')], ''), aliases.bind('G-BAD', [erp('SO-\u0000')], ''), aliases.bind('G-OK-2', [erp('SO-OK-2')], '')];
    const settled = await Promise.allSettled(together);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // G-OK-1 alone, then G-BAD and G-OK-2 together, refused whole, then each of them again alone.
    expect(statements()).toBe(2 + 4);
    expect(await fresh.resolve(erp('SO-OK-1'))).toBe('G-OK-1');
    expect(await fresh.resolve(erp('SO-OK-2'))).toBe('G-OK-2');
  });
});
