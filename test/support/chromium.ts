import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { findBinary } from './binaries.js';

/** Debian's Chromium, when installed (a missing one skips loudly; under CI=true it fails). */
export const chromiumBinary = (suite: string) => findBinary('chromium', 'chromium', suite);

/**
 * Starts headless Chromium (`executablePath`, never a downloaded browser) with a fresh profile,
 * nothing fetched in the background, and JavaScript off unless `javaScript` is set. Returns the
 * browser context and the function that closes it and removes the profile.
 */
export async function launchChromium(executablePath: string, options: { javaScript?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'ctmpl-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ];
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true, args, javaScriptEnabled: options.javaScript ?? false, viewport: { width: 1280, height: 800 },
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
