export { resourceRegistryAbi, resourceRegistrySolcVersion } from './generated/resource-registry-abi.js'
