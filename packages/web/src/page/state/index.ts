export { failed, loaded, LOADING, valueOf, type Loadable } from './loadable.js'
export { PageStore, type DaemonReachability, type StoreTopic } from './page-store.js'
export {
  ALL_TARGETS, DEFAULT_DEBOUNCE_MS, DEFAULT_REFRESH_INTERVAL_MS, Refresher, type RefresherInit, type RefreshTarget
} from './refresher.js'
