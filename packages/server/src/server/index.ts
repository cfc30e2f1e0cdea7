export {
  DEFAULT_INBOUND_CONNECTIONS_PER_SECOND,
  DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_SERVER_HOST,
  ResourceServer,
  type HandleOptions,
  type ResourceServerDiscv5Init,
  type ResourceServerInit
} from './resource-server.js'
export type { ResourceServerExtension, ServerListenAddresses } from './resource-server-extension.js'
