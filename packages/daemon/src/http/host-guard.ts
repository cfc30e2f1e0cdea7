import { isIP } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ForbiddenHostError } from '../errors.js'
import { errorBody } from './error-body.js'

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/**
 * Whether `name` (a host name or IP address, IPv6 with or without brackets)
 * is a loopback name: `localhost`, 127.0.0.0/8 or `::1`.
 */
export function isLoopbackName (name: string): boolean {
  const bare = name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
  return bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1' || IPV4_LOOPBACK.test(bare)
}

/** The host name of a `Host` header, without its port, lower case (`[::1]:8645` gives `::1`). */
export function hostHeaderName (host: string): string {
  const value = host.trim().toLowerCase()
  // a port is digits after the one colon (after the brackets of an IPv6 address); anything else
  // (a bare IPv6 address, `name:1.evil.example`, `[::1]evil`) is kept whole, and matches no name
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(value)
  if (bracketed !== null) {
    return bracketed[1] ?? value
  }
  const withPort = /^([^:[\]]*):\d*$/.exec(value)
  return (withPort?.[1] ?? value).replace(/\.$/, '')
}

/**
 * Refuses requests addressed to a name the daemon does not answer to: the
 * defence against DNS rebinding, where a web page of another site points
 * its own name at the daemon's address (127.0.0.1, or a LAN address the
 * daemon binds) and then reads the daemon's API from the browser. A request
 * whose `Host` header names a loopback name ({@link isLoopbackName}), an IP
 * address (a browser sends one only when the user opened that address:
 * rebinding needs a name) or one of `allowedHosts` passes; a request
 * without a `Host` header (HTTP/1.0, never a browser) passes too.
 */
export class HostGuard {
  readonly #allowed: ReadonlySet<string>
  /** The last `Host` header allowed: every request of a client carries the same one, so most checks are one comparison. */
  #lastAllowed = ''

  /** @param allowedHosts - more names to answer to, e.g. a name in /etc/hosts (case-insensitive, no port) */
  constructor (allowedHosts: readonly string[] = []) {
    this.#allowed = new Set(allowedHosts.map((name) => hostHeaderName(name)))
  }

  /** Whether a request with this `Host` header may be answered. */
  allows (host: string | undefined): boolean {
    if (host === undefined || host === '' || host === this.#lastAllowed) {
      return true
    }
    const name = hostHeaderName(host)
    if (isLoopbackName(name) || isIP(name) !== 0 || this.#allowed.has(name)) {
      this.#lastAllowed = host
      return true
    }
    return false
  }
}

/**
 * Adds `guard` to `app` as an `onRequest` hook: a request for another host
 * is answered 403 `ForbiddenHostError` before routing, validation or any
 * handler runs; `onRefused` is told of each refusal after the answer.
 */
export function addHostGuard (app: FastifyInstance, guard: HostGuard, onRefused?: (request: FastifyRequest, reply: FastifyReply) => void): void {
  app.addHook('onRequest', (request, reply, done) => {
    const host = request.headers.host
    if (guard.allows(host)) {
      done()
      return
    }
    const body = errorBody(new ForbiddenHostError(host ?? ''))
    void reply.code(body.statusCode).send(body)
    onRefused?.(request, reply)
  })
}
