import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/**
 * Reads a list as a client does: `limit` rows a page, passing each page's
 * `nextCursor` back as `cursor` until it is null, and checking that the
 * Next-Cursor header says the same as the body.
 */
export async function everyPage(get: (url: string) => Promise<LightMyRequestResponse>, url: string, limit: number) {
  const pages: { items: unknown[]; nextCursor: string | null }[] = [];
  for (let cursor: string | null | undefined; cursor !== null && pages.length < 100;) {
    const response = await get(`${url}${url.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ items: unknown[]; nextCursor: string | null }>();
    expect(page.items.length).toBeLessThanOrEqual(limit);
    expect(response.headers['next-cursor']).toBe(page.nextCursor ?? undefined);
    pages.push(page);
    cursor = page.nextCursor;
  }
  return { pages, items: pages.flatMap((p) => p.items) };
}
