export { checkServiceOptions } from './check-service-options.js'
export type { ResourceServiceContext, ResourceServiceOption, ResourceServicePlugin } from './resource-service-plugin.js'
