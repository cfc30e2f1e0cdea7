import { renderDemoReport, runDemo } from '../demo/run-demo.js'
import type { CommandContext } from './command-spec.js'

/**
 * `rdisc demo`: the whole picture on 127.0.0.1; progress on stderr, the
 * report on stdout. With `--keep-running` the demo shows the report among
 * its progress lines before it waits for SIGINT/SIGTERM, so in text mode it
 * is not printed a second time after the stop (`--json` still prints it).
 */
export async function runDemoCommand ({ options, output, signal }: CommandContext): Promise<void> {
  const keepRunning = options.boolean('keepRunning')
  const report = await runDemo({ keepRunning, progress: (line) => { output.progress(line) }, signal })
  if (!keepRunning || output.json) {
    output.result(report, () => renderDemoReport(report))
  }
}
