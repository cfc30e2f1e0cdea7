import { toJson } from './to-json.js'

/** Where output goes: a stream's `write` is all it needs. */
export interface OutputStreams {
  readonly stdout: { write: (text: string) => unknown }
  readonly stderr: { write: (text: string) => unknown }
}

/**
 * What a command prints. Its result goes to stdout once: text, or with
 * `--json` exactly one JSON document. Progress, warnings and errors go to
 * stderr, so stdout stays clean for pipes and scripts.
 */
export class Output {
  /** Whether the result is printed as JSON. */
  readonly json: boolean
  readonly #streams: OutputStreams
  #printed = false

  constructor (json: boolean, streams: OutputStreams = process) {
    this.json = json
    this.#streams = streams
  }

  /** Whether the result was printed. */
  get printed (): boolean {
    return this.#printed
  }

  /**
   * Prints the command's result: `document` as JSON with `--json`, else
   * `text` (computed only when needed). A second call is a bug.
   */
  result (document: unknown, text: string | (() => string)): void {
    if (this.#printed) {
      throw new Error('a command prints its result once')
    }
    this.#printed = true
    const body = this.json ? toJson(document) : typeof text === 'string' ? text : text()
    this.#streams.stdout.write(body.endsWith('\n') ? body : `${body}\n`)
  }

  /** A line about what is going on, on stderr. */
  progress (line: string): void {
    this.#streams.stderr.write(`${line}\n`)
  }

  /** A warning, on stderr: `rdisc: warning: <line>`. */
  warn (line: string): void {
    this.#streams.stderr.write(`rdisc: warning: ${line}\n`)
  }

  /** An error, on stderr: `rdisc: <line>`. */
  error (line: string): void {
    this.#streams.stderr.write(`rdisc: ${line}\n`)
  }
}
