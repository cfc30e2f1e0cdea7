export { ProviderDirectory, type ProviderDirectoryComponents } from './provider-directory.js'
