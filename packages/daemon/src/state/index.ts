export {
  EMPTY_STATE,
  STATE_FILE_NAME,
  STATE_FILE_VERSION,
  blameStateFile,
  parseState,
  serializeState,
  type CustomServer,
  type DaemonState,
  type PersistedTrust
} from './daemon-state.js'
export { StateStore, type StateChange } from './state-store.js'
