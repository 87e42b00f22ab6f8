import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amount, amountBounds, dateWindow, hasAtMostDecimals, isoDate, isoDateTime, isStorableText, lineNo, nonEmpty,
  quantity, quantityBounds, recordedQuantity, storableText, textProblem, toNonEmptyText,
} from '../../src/domain/primitives.js';

describe('validation primitives', () => {
  it('refuses a NUL character anywhere in text, saying why', () => {
    for (const s of ['a\u0000b', '\u0000', 'end\u0000']) {
      const result = nonEmpty.safeParse(s);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toContain('NUL');
    }
  });

  it('refuses an unpaired surrogate and keeps a paired one', () => {
    for (const s of ['\ud800', 'a\udc00', '\udbff\ud800', 'x\ud83d']) expect(textProblem(s)).toContain('surrogate');
    expect(nonEmpty.safeParse('box 📦 ok').success).toBe(true);
  });

  it('agrees with a UTF-8 round trip on every string: storable exactly when it survives encoding and has no NUL', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const survives = Buffer.from(s, 'utf8').toString('utf8') === s && !s.includes('\u0000');
      expect(isStorableText(s)).toBe(survives);
      expect(storableText.safeParse(s).success).toBe(survives);
    }));
  });

  it('bounds quantities: above zero, at most the maximum, at most three decimals', () => {
    expect(quantity.safeParse(0).success).toBe(false);
    expect(quantity.safeParse(0.001).success).toBe(true);
    expect(quantity.safeParse(0.0001).success).toBe(false);
    expect(quantity.safeParse(quantityBounds.max).success).toBe(true);
    expect(quantity.safeParse(quantityBounds.max + 1).success).toBe(false);
    expect(quantity.safeParse(2 ** 53 + 2).success).toBe(false);
    expect(quantity.safeParse(1e308).success).toBe(false);
    expect(recordedQuantity.safeParse(0).success).toBe(true);
  });

  it('bounds amounts: zero or more, at most the maximum, at most four decimals', () => {
    expect(amount.safeParse(0).success).toBe(true);
    expect(amount.safeParse(0.0125).success).toBe(true);
    expect(amount.safeParse(0.00001).success).toBe(false);
    expect(amount.safeParse(amountBounds.max).success).toBe(true);
    expect(amount.safeParse(amountBounds.max * 10).success).toBe(false);
    expect(amount.safeParse(0.1 + 0.2).success).toBe(false);
  });

  it('keeps the product of the largest quantity and amount finite and every bounded value exact to its places', () => {
    expect(Number.isFinite(quantityBounds.max * amountBounds.max * 1e6)).toBe(true);
    expect(quantityBounds.max * 10 ** quantityBounds.decimals).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(amountBounds.max * 10 ** amountBounds.decimals).toBeLessThan(Number.MAX_SAFE_INTEGER);
    fc.assert(fc.property(fc.integer({ min: 1, max: quantityBounds.max * 1000 }), (thousandths) => {
      const written = Number((thousandths / 1000).toFixed(3));
      expect(hasAtMostDecimals(written, 3)).toBe(true);
    }));
  });

  it('accepts dates and times inside the window and refuses its edges outside', () => {
    expect(isoDate.safeParse(dateWindow.from).success).toBe(true);
    expect(isoDate.safeParse('1999-12-31').success).toBe(false);
    expect(isoDate.safeParse('2099-12-31').success).toBe(true);
    expect(isoDate.safeParse(dateWindow.until).success).toBe(false);
    expect(isoDateTime.safeParse('9999-12-31T00:00:00Z').success).toBe(false);
    expect(isoDateTime.safeParse('2099-12-31T23:59:59.999Z').success).toBe(true);
    // The offset counts: 19:00 at -05:00 is the first instant outside.
    expect(isoDateTime.safeParse('2099-12-31T19:00:00-05:00').success).toBe(false);
    expect(isoDateTime.safeParse('2000-01-01T00:30:00+01:00').success).toBe(false);
  });

  it('keeps line numbers within the projections\u2019 integer columns', () => {
    expect(lineNo.safeParse(999_999).success).toBe(true);
    expect(lineNo.safeParse(2 ** 31).success).toBe(false);
  });
  it('makes any text one nonEmpty takes, keeping what it can', () => {
    expect(toNonEmptyText('HTTP 500: no\u0000pe', 'x')).toBe('HTTP 500: no\uFFFDpe');
    // A receiver's body cut inside a surrogate pair.
    expect(toNonEmptyText('HTTP 502: \uD83D', 'x')).toBe('HTTP 502: \uFFFD');
    expect(toNonEmptyText('   ', 'refused')).toBe('refused');
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 700 }), (text) => {
      expect(nonEmpty.safeParse(toNonEmptyText(text, 'refused')).success).toBe(true);
    }));
  });
});
