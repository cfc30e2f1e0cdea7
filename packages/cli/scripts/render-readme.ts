/**
 * Writes the command and option reference into packages/cli/README.md from
 * the tables `rdisc --help` renders. With `--check`, only fails (exit 1) if
 * the README is stale.
 *
 * Run: npm run readme -w @resource-discovery/cli [-- --check]
 */
import { readFile, writeFile } from 'node:fs/promises'
import { COMMANDS } from '../src/commands/command-table.js'
import { renderReference, replaceReference } from '../src/output/render-reference.js'

const path = new URL('../README.md', import.meta.url)
const readme = await readFile(path, 'utf8')
const updated = replaceReference(readme, renderReference(COMMANDS))
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('packages/cli/README.md is stale: run `npm run readme -w @resource-discovery/cli`')
    process.exitCode = 1
  }
} else if (updated !== readme) {
  await writeFile(path, updated)
  console.log('updated packages/cli/README.md')
}
