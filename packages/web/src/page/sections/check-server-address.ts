/** How much of a wrong address a message quotes. */
const QUOTED_CHARS = 12

/**
 * Checks an address before it is sent: what is obviously not an ENR gets a
 * message at once; anything else is left to the daemon, which decodes it
 * and checks its signature. A `/p2p/` multiaddr passes too: the daemon takes
 * one for a node without an ENR.
 *
 * @returns what is wrong, or `undefined` to send it
 */
export function checkServerAddress (address: string): string | undefined {
  if (address === '') {
    return 'Paste the server\'s ENR: the text starting with "enr:" that the server prints when it starts (rdisc serve).'
  }
  if (!address.startsWith('enr:') && !address.startsWith('/')) {
    const quoted = address.length > QUOTED_CHARS ? `${address.slice(0, QUOTED_CHARS)}…` : address
    return `This is not an ENR: an ENR starts with "enr:", and this starts with "${quoted}". Paste the whole record the server printed.`
  }
  return undefined
}
