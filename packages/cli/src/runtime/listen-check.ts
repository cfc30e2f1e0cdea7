import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { ListenAddressError } from '../errors.js'
import type { ResolvedOptions } from '../config/resolve-options.js'

/** The system error code of binding `host:port` now (`EADDRINUSE`...), or `undefined` if it binds. */
export async function bindErrorCode (protocol: 'tcp' | 'udp', host: string, port: number): Promise<string | undefined> {
  const codeOf = (err: unknown): string => {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? code : 'unknown'
  }
  if (protocol === 'udp') {
    const socket = createSocket('udp4')
    return new Promise((resolve) => {
      socket.once('error', (err) => { socket.close(); resolve(codeOf(err)) })
      socket.bind(port, host, () => { socket.close(() => { resolve(undefined) }) })
    })
  }
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', (err) => { resolve(codeOf(err)) })
    server.listen(port, host, () => { server.close(() => { resolve(undefined) }) })
  })
}

/** Where a command listens: the protocol, and the options that give the host and the port. */
export interface ListenSpec {
  readonly protocol: 'tcp' | 'udp'
  /** The host bound (an option's value, or a fixed address such as `127.0.0.1`). */
  readonly host: string
  /** The option that gives the host, if the user can change it. */
  readonly hostOption?: string
  /** The option that gives the port. */
  readonly portOption: string
}

/**
 * After a start failed: if the address it asked for cannot be bound, the
 * error that names the flag to change (`--tcp-port: cannot listen on tcp
 * 127.0.0.1:4001: the port is already in use...`), its `cause` the library's
 * error; else `undefined` (the failure had another reason). A port of 0 is
 * checked only for a host that cannot be bound.
 */
export async function listenFailure (options: ResolvedOptions, spec: ListenSpec, cause: unknown): Promise<ListenAddressError | undefined> {
  const port = options.number(spec.portOption) ?? 0
  const code = await bindErrorCode(spec.protocol, spec.host, port)
  if (code === undefined) {
    return undefined
  }
  const option = code === 'EADDRNOTAVAIL' && spec.hostOption !== undefined ? spec.hostOption : spec.portOption
  return new ListenAddressError(options.where(option), `${spec.protocol} ${spec.host}:${port}`, code, { cause })
}
