import type { ENR } from '@chainsafe/enr'

/**
 * ENR key by which a node says it serves as a registrar of the topic
 * protocol (`topdisc/1`); its value is the protocol version, one byte.
 *
 * On a discv5 network where few nodes speak the protocol, an advertiser or
 * a searcher that cannot tell registrars from plain nodes spends most of
 * its requests on TALKREQs that come back empty (`npm run bench:discovery`
 * measures it); with the key, it asks only nodes that say they answer.
 */
export const TOPDISC_ENR_KEY = 'topdisc'

/** The value a registrar writes under {@link TOPDISC_ENR_KEY}: version 1. */
export const TOPDISC_ENR_VALUE: Uint8Array = Uint8Array.of(1)

/**
 * Which nodes an advertiser registers with and a searcher asks:
 * - `'marked'` (the default): only nodes whose signed ENR carries
 *   {@link TOPDISC_ENR_KEY};
 * - `'any'`: every node, learning from an empty TALKRESP that one does not
 *   speak the protocol (for networks of nodes that do not write the key).
 */
export type RegistrarSelection = 'marked' | 'any'

/** Whether `enr` says its node serves as a `topdisc/1` registrar. */
export function isMarkedRegistrar (enr: ENR): boolean {
  const value = enr.kvs.get(TOPDISC_ENR_KEY)
  return value !== undefined && value.length === 1 && value[0] === TOPDISC_ENR_VALUE[0]
}

/** The node filter of a {@link RegistrarSelection}: `undefined` accepts every node. */
export function registrarFilter (selection: RegistrarSelection = 'marked'): ((enr: ENR) => boolean) | undefined {
  return selection === 'marked' ? isMarkedRegistrar : undefined
}
