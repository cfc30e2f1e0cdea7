/**
 * A free loopback port, for a test that needs one nothing listens on (an
 * unreachable server or RPC endpoint) or one to bind a child process to.
 */
import { createServer } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that nothing listens on: bound by the system,
 * then released. Another process could take it in between, which on a
 * test machine is rare enough.
 */
export async function unusedTcpPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  if (address === null || typeof address === 'string') {
    throw new Error(`expected a TCP address, got ${String(address)}`)
  }
  return address.port
}
