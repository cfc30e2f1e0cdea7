/**
 * Preloaded (`--import`) into the README quick start's process by
 * bench/cold-start.ts, to time it without changing its code: wraps
 * `ResourceClient.prototype.start` and `stop` (the module instance the
 * snippet imports: same file, same export conditions) and writes a mark
 * before and after each, one JSON object a line, to file descriptor 3, a
 * pipe the parent opened; stdout and stderr stay the snippet's own. The
 * clock is the parent's: `performance.timeOrigin + performance.now()`.
 */
import { writeSync } from 'node:fs'
import { ResourceClient } from '@resource-discovery/core'

const MARKS_FD = 3

function mark (name: string): void {
  writeSync(MARKS_FD, `${JSON.stringify({ mark: name, at: performance.timeOrigin + performance.now() })}\n`)
}

/* eslint-disable @typescript-eslint/unbound-method -- each original is called with the instance's `this` */
const { start, stop } = ResourceClient.prototype
ResourceClient.prototype.start = async function (this: ResourceClient): Promise<void> {
  mark('start')
  await start.call(this)
  mark('started')
}
ResourceClient.prototype.stop = async function (this: ResourceClient): Promise<void> {
  mark('stop')
  await stop.call(this)
  mark('stopped')
}
/* eslint-enable @typescript-eslint/unbound-method */
