/**
 * `rdisc demo`: the whole resource-discovery path on 127.0.0.1 in one run,
 * with a table of every server's verdict and the timings of each phase.
 *
 * @example
 * ```ts
 * import { renderDemoReport, runDemo } from './demo/index.js'
 *
 * const report = await runDemo({ progress: (line) => { process.stderr.write(`${line}\n`) } })
 * process.stdout.write(`${renderDemoReport(report)}\n`)
 * ```
 */
export {
  DEMO_MESSAGES,
  DEMO_PROVIDERS,
  DEMO_SERVERS,
  DEMO_TOPIC,
  DEMO_TRUSTED_PROVIDER,
  demoEnvelopes
} from './demo-network.js'
export type {
  DemoMessage,
  DemoNetwork,
  DemoOptions,
  DemoReport,
  DemoSelection,
  DemoServerReport,
  DemoTimings,
  DemoVerdict
} from './demo-report.js'
export { alignColumns, formatDuration, renderDemoReport } from './render-demo-report.js'
export { DEMO_DISCOVERY_TIMEOUT_MS, runDemo } from './run-demo.js'
