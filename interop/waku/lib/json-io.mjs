/**
 * The contract every child script here keeps with its caller
 * (test/support/waku-interop.ts): one JSON value on stdin, one JSON value on
 * stdout, exit code 0; on failure, `{"error": {"name", "message", "stack"}}`
 * on stdout and exit code 1. The process exits once its answer is written.
 */

/** Reads all of stdin and parses it as JSON. */
async function readJsonInput () {
  let text = ''
  process.stdin.setEncoding('utf8')
  for await (const chunk of process.stdin) text += chunk
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new TypeError(`stdin is not one JSON value (${error.message}): ${text.slice(0, 200)}`, { cause: error })
  }
}

/**
 * Runs `main(input)` on the JSON from stdin and writes its result as JSON to
 * stdout; any error is written as `{"error": ...}` with exit code 1.
 */
export async function runScript (main) {
  try {
    const output = await main(await readJsonInput())
    exitAfterWriting(`${JSON.stringify(output, bigintAsString)}\n`, 0)
  } catch (error) {
    const failure = error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { name: 'Error', message: String(error) }
    exitAfterWriting(`${JSON.stringify({ error: failure })}\n`, 1)
  }
}

/**
 * Writes the answer, then exits without waiting for the event loop to empty:
 * importing @waku/discovery leaves a library timer behind that would hold the
 * process about a second longer.
 */
function exitAfterWriting (text, exitCode) {
  process.stdout.write(text, () => { process.exit(exitCode) })
}

/** Throws a TypeError naming `what` unless `check` holds. */
export function expectInput (check, what) {
  if (!check) throw new TypeError(`bad input: ${what}`)
}

function bigintAsString (_key, value) {
  return typeof value === 'bigint' ? value.toString() : value
}
