import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is looked for when CHROMIUM_PATH is not set (Debian's package first). */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/**
 * The Chromium the browser tests drive. None found is a failure with what to do, never a skip:
 * a suite that silently skips its browser tests would pass without having looked at a page.
 */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') {
    if (existsSync(given)) return given;
    throw new Error(`CHROMIUM_PATH is ${given}, which does not exist`);
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found !== undefined) return found;
  throw new Error(
    'the browser tests need Chromium and none was found (looked for CHROMIUM_PATH, ' +
      `${CANDIDATES.join(', ')}): install Debian's chromium package ` +
      '(`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary',
  );
}

/**
 * Headless Chromium, started as the machine notes say it must be here: no sandbox when root,
 * and no background networking (on a closed network Chromium otherwise keeps trying Google's
 * hosts at every start).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Folder screenshots go to when CONSOLE_SCREENSHOTS names one (docs/console), else null. */
export function screenshotDir(): string | null {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (dir === undefined || dir === '') return null;
  const absolute = path.resolve(dir);
  mkdirSync(absolute, { recursive: true });
  return absolute;
}
