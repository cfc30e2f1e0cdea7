export { RegistrationStore, type Registration } from './registration-store.js'
