import '@resource-discovery/core/polyfill'
import { EXIT_INTERRUPTED } from '../errors.js'
import { runCli } from '../run-cli.js'
import { listenForShutdown } from '../runtime/shutdown-signals.js'

/**
 * How long the process may take to end by itself once the command returned.
 * Every command stops what it started, but a library may still be closing a
 * socket; after this the process exits anyway (stdout and stderr are
 * written synchronously on Linux, so nothing is lost).
 */
const EXIT_GRACE_MS = 500

const shutdown = listenForShutdown(() => { process.exit(EXIT_INTERRUPTED) })
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: shutdown.signal
})
shutdown.dispose()
process.exitCode = code
setTimeout(() => { process.exit(code) }, EXIT_GRACE_MS).unref()
