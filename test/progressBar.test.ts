import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../src/progressBar.js';

function stream(tty: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const pass = new PassThrough();
  let text = '';
  pass.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out: Object.assign(pass, { isTTY: tty, columns: 200 }) as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progressBar', () => {
  it('on a terminal, draws the share, the figures, the rate and the detail, and ends the line on stop', async () => {
    const { out, text } = stream(true);
    const bar = progressBar(out, 'orders', 'events');
    bar.update(250, 1000, 'accepted 240');
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(text()).toMatch(/orders \[######\.{18}\]  25%  250\/1,000 events  [\d,]+\/s  accepted 240/);
    expect(text().endsWith('\n')).toBe(true);
  });

  it('without a total, draws the count and the rate only', async () => {
    const { out, text } = stream(true);
    const bar = progressBar(out, 'verified', 'events');
    bar.update(12_345);
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(text()).toMatch(/verified  12,345 events  [\d,]+\/s/);
    expect(text()).not.toContain('%');
  });

  it('writes nothing when the output is not a terminal', async () => {
    const { out, text } = stream(false);
    const bar = progressBar(out, 'orders', 'events');
    bar.update(5, 10);
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('');
  });
});
