import { defineResourceKind } from '@resource-discovery/core'

/** libp2p protocol by which a client asks a mail server for stored envelopes. */
export const MAILSERVER_HISTORY_PROTOCOL = '/resource-discovery/mailserver/history/1.0.0'
/** libp2p protocol by which peers push envelopes to a mail server for storage. */
export const MAILSERVER_STORE_PROTOCOL = '/resource-discovery/mailserver/store/1.0.0'

/**
 * Mail servers: they store message envelopes and serve their history to
 * clients that were offline. Advertised on discv5 under
 * `/resource-discovery/mailserver/1`; registry kind id `keccak256("mailserver")`.
 */
export const mailserverKind = defineResourceKind({
  name: 'mailserver',
  protocols: [MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL],
  description: 'Stores message envelopes and serves their history to clients that were offline'
})
