export { coreModule, type CoreModuleInit } from './core-module.js'
export { createResourceContainer, type ResourceContainerInit } from './create-resource-container.js'
