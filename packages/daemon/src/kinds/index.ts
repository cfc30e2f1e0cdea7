export { KindMonitor, type KindCounts, type PreparedResponse, type VerdictStatus } from './kind-monitor.js'
