/**
 * Loopback checks for the child scripts: these tests never send traffic off
 * this machine, so every address a script is given, and every address its
 * libp2p node would dial, must be on 127.0.0.0/8 or ::1.
 */
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { expectInput } from './json-io.mjs'

/** Whether `host` is a literal loopback IP address (a DNS name never is). */
export function isLoopbackHost (host) {
  return (isIP(host) === 4 && host.startsWith('127.')) || (isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1'))
}

/** Whether a multiaddr (object) starts with a loopback `ip4`/`ip6` and goes through no relay. */
export function isLoopbackMultiaddr (ma) {
  const [first, ...rest] = ma.stringTuples()
  if (first === undefined || (first[0] !== 4 && first[0] !== 41)) return false
  if (rest.some(([code]) => code === 290)) return false // p2p-circuit: a relay would carry the traffic on
  return isLoopbackHost(first[1])
}

/**
 * Parses `text` as a multiaddr with a `/p2p/<peer id>` on a loopback IP
 * address; throws a `TypeError` ("bad input: ...") naming what is wrong.
 */
export function loopbackPeerMultiaddr (text, what) {
  expectInput(typeof text === 'string' && text !== '', `${what} must be a multiaddr string`)
  let ma
  try {
    ma = multiaddr(text)
  } catch (error) {
    expectInput(false, `${what} is not a multiaddr (${error.message}): ${text}`)
  }
  expectInput(ma.getPeerId() !== null, `${what} must end with /p2p/<peer id>: ${text}`)
  expectInput(isLoopbackMultiaddr(ma), `${what} must be on a loopback IP address (/ip4/127.x.x.x or /ip6/::1, no relay): ${text}`)
  return ma
}
