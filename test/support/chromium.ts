import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium (installed by .ci/run: a test tool cannot download a
 * browser here), launched the one way the browser tests and the dashboard
 * benchmark both use: no background requests, no /dev/shm limit, and no
 * sandbox when running as root, where Chromium refuses to start with one.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs: readonly string[] = ['--disable-background-networking', '--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
}

/** The browser as a report names it: version, binary and flags. */
export function chromiumVersion(browser: Browser): string {
  return `Chromium ${browser.version()} (${chromiumPath}; ${chromiumArgs.join(' ')})`;
}
