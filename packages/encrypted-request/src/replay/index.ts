export { DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_MAX_REMEMBERED_REQUESTS, ReplayGuard, type ReplayGuardInit } from './replay-guard.js'
