import { hostname } from 'node:os'

/**
 * How `rdisc` writes stderr (`--log-format`):
 *
 * - `text`: plain lines for a person. Progress as it is, warnings
 *   `rdisc: warning: <message>`, the error `rdisc: <message>`, and logs
 *   `rdisc: <level>: <message> key=value ...`, each on one line (stacks
 *   only with `--verbose`).
 * - `json`: every line one JSON object in pino's shape, logs and the
 *   command's own lines alike, for a log collector: `level` (pino's number:
 *   30 info and progress, 40 warning, 50 error), `time` (ms since the
 *   epoch), `pid`, `hostname`, `msg`, then the log's fields; the error that
 *   ends a run has `err` (`type`, `message`, and `stack` with `--verbose`)
 *   and `exitCode`.
 */
export type LogFormat = 'text' | 'json'

/** The values `--log-format` takes. */
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

/** pino's level numbers of the lines `rdisc` writes itself. */
export const LOG_LEVEL_NUMBERS = { info: 30, warn: 40, error: 50 } as const

/** The word a text line shows for each of pino's level numbers. */
const LEVEL_WORDS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' }

/** Keys of a pino line that a text line leaves out or shows otherwise. */
const ENVELOPE_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg'])

let host: string | undefined

/** One JSON line (ending in `\n`) in pino's shape: `level`, `time`, `pid`, `hostname`, `msg`, then `fields`. */
export function jsonLogLine (level: number, msg: string, fields: Readonly<Record<string, unknown>> = {}): string {
  host ??= hostname()
  return `${JSON.stringify({ level, time: Date.now(), pid: process.pid, hostname: host, msg, ...fields })}\n`
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** A field's value in a text line: a bare word, else JSON on one line; an error as `"Type: message"`. */
function textValue (value: unknown): string {
  if (typeof value === 'string') {
    return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(oneLine(value))
  }
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    const { type, message } = value as { type?: unknown, message: string }
    return JSON.stringify(oneLine(typeof type === 'string' ? `${type}: ${message}` : message))
  }
  return JSON.stringify(value)
}

/**
 * A log line of pino (JSON) as a text line: `rdisc: <level>: <msg>
 * key=value ...` and a newline. An error field's stack, if the logger kept
 * it (`--verbose`), follows on its own lines.
 */
export function textLogLine (json: string): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const level = typeof entry.level === 'number' ? LEVEL_WORDS[entry.level] ?? String(entry.level) : String(entry.level)
  const parts = [`rdisc: ${level}:`]
  if (typeof entry.msg === 'string' && entry.msg !== '') {
    parts.push(oneLine(entry.msg))
  }
  const stacks: string[] = []
  for (const [key, value] of Object.entries(entry)) {
    if (ENVELOPE_KEYS.has(key) || value === undefined) {
      continue
    }
    parts.push(`${key}=${textValue(value)}`)
    const stack = typeof value === 'object' && value !== null ? (value as { stack?: unknown }).stack : undefined
    if (typeof stack === 'string') {
      stacks.push(...stack.split('\n').slice(1))
    }
  }
  return [parts.join(' '), ...stacks].join('\n') + '\n'
}
