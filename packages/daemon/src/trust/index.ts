export { checksumProviders, TrustSettings, type TrustSettingsComponents } from './trust-settings.js'
