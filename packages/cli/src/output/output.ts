import { jsonLogLine, LOG_LEVEL_NUMBERS, type LogFormat } from './log-lines.js'
import { toJson } from './to-json.js'

/** Where output goes: a stream's `write` is all it needs. */
export interface OutputStreams {
  readonly stdout: { write: (text: string) => unknown }
  readonly stderr: { write: (text: string) => unknown }
}

/**
 * What a command prints. Its result goes to stdout once: text, or with
 * `--json` exactly one JSON document. Progress, warnings and errors go to
 * stderr, so stdout stays clean for pipes and scripts: as plain lines, or
 * with `--log-format json` as JSON lines like the logs' (see {@link LogFormat}).
 */
export class Output {
  /** Whether the result is printed as JSON. */
  readonly json: boolean
  /** How stderr is written. */
  readonly logFormat: LogFormat
  readonly #streams: OutputStreams
  #printed = false

  constructor (json: boolean, streams: OutputStreams = process, logFormat: LogFormat = 'text') {
    this.json = json
    this.logFormat = logFormat
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

  /** A line about what is going on, on stderr (as JSON: level 30). */
  progress (line: string): void {
    this.#streams.stderr.write(this.logFormat === 'json' ? jsonLogLine(LOG_LEVEL_NUMBERS.info, line) : `${line}\n`)
  }

  /** A warning, on stderr: `rdisc: warning: <line>` (as JSON: level 40). */
  warn (line: string): void {
    this.#streams.stderr.write(this.logFormat === 'json' ? jsonLogLine(LOG_LEVEL_NUMBERS.warn, line) : `rdisc: warning: ${line}\n`)
  }

  /**
   * An error, on stderr: `rdisc: <line>`, and `stack` on the next lines if
   * given (`--verbose`). As JSON: one line of level 50 with `fields` and
   * `err` (`type`, `message`, `stack`).
   */
  error (line: string, details: { readonly type?: string, readonly stack?: string, readonly fields?: Readonly<Record<string, unknown>> } = {}): void {
    if (this.logFormat === 'json') {
      const err = { type: details.type ?? 'Error', message: line, ...(details.stack === undefined ? {} : { stack: details.stack }) }
      this.#streams.stderr.write(jsonLogLine(LOG_LEVEL_NUMBERS.error, line, { err, ...details.fields }))
      return
    }
    this.#streams.stderr.write(details.stack === undefined ? `rdisc: ${line}\n` : `rdisc: ${line}\n${details.stack}\n`)
  }
}
