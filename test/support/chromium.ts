/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no
 * browser download). `.ci/run` installs it (`apt-get install chromium`);
 * elsewhere a test that needs it is skipped with a notice unless
 * `RDISC_REQUIRE_BROWSER=1`, which turns its absence into a failure.
 */
import { access, constants } from 'node:fs/promises'
import { chromium, type Browser } from 'playwright-core'

/** Where the browser is looked for: `RDISC_CHROMIUM`, else Debian's path. */
export const CHROMIUM_PATH = process.env.RDISC_CHROMIUM ?? '/usr/bin/chromium'

/** Whether a missing browser fails the run (CI) rather than skipping the browser tests. */
export const BROWSER_REQUIRED = process.env.RDISC_REQUIRE_BROWSER === '1'

/**
 * Flags for a headless run on a machine without network access: without the
 * background-networking ones, Chromium keeps trying to reach Google's hosts.
 */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

/** Whether the browser is installed at {@link CHROMIUM_PATH}. */
export async function chromiumInstalled (): Promise<boolean> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * For a suite's `before` hook: skips the suite with a notice when Chromium is
 * not installed, or fails it if {@link BROWSER_REQUIRED}.
 */
export async function skipWithoutChromium (context: Mocha.Context): Promise<void> {
  if (await chromiumInstalled()) {
    return
  }
  if (BROWSER_REQUIRED) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install chromium (or set RDISC_CHROMIUM to its path)`)
  }
  console.warn(`      (skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium, or RDISC_REQUIRE_BROWSER=1 to fail instead)`)
  context.skip()
}

/** Starts headless Chromium; playwright gives it a new, empty profile and removes it at `close()`. */
export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}
