import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { devEnvironment } from '../env.ts';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium, installed when missing as the bootstrap installs redis-server: with apt-get
 * as root; otherwise the error says how.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const installed = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...devEnvironment(), DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (installed.status === 0 && existsSync(CHROMIUM)) return CHROMIUM;
  }
  throw new Error('The browser tests need Chromium: sudo apt-get install -y chromium (Debian/Ubuntu).');
}

/** Chromium with a fresh profile (its own --user-data-dir), as one browser context. */
export async function launchChromium(): Promise<BrowserContext> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'faturador-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
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

/** Where the browser tests leave their screenshots: test-output/browser at the workspace root. */
export function screenshotDir(): string {
  const dir = resolve(import.meta.dirname, '../../../../test-output/browser');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Signs in to the backoffice as a person does, starting from `path` (sign-in brings them back). */
export async function signInAs(
  browser: BrowserContext,
  page: Page,
  url: string,
  user: { email: string; password: string },
  path: string,
): Promise<void> {
  await browser.clearCookies();
  await page.goto(`${url}${path}`);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Palavra-passe').fill(user.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}
