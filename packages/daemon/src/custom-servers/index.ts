export { CustomServers, type AddedCustomServer, type CustomServersComponents, type CustomServersInit } from './custom-servers.js'
export { parseServerAddress } from './parse-server-address.js'
