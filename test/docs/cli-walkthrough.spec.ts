/**
 * The README's CLI walkthrough, run exactly as written: the README shows
 * docs/cli-walkthrough.sh verbatim, and the script runs with bash from the
 * repository root, through the installed `rdisc` (built by `npm install`).
 * It must end by itself with exit 0, select the mail server it registered
 * with the node's consent, stop every role it started, and leave nothing in
 * the repository.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { fencedBlocks } from './markdown-blocks.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const script = join(root, 'docs', 'cli-walkthrough.sh')

/** Paths under the repository that git does not ignore and that changed (`git status --porcelain`). */
async function repositoryChanges (): Promise<string[]> {
  const git = spawn('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  git.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  await once(git, 'close')
  return out.split('\n').filter((line) => line !== '').sort()
}

/** Processes whose command line or environment mentions `text` (Linux /proc), this test's own excepted. */
async function processesMentioning (text: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
      continue
    }
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
    const environment = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '')
    if (command.includes(text) || environment.includes(text)) {
      found.push(`${entry}: ${command.replaceAll('\0', ' ')}`)
    }
  }
  return found
}

describe('the README\'s CLI walkthrough', function () {
  this.timeout(240_000)

  it('behavior: the README shows docs/cli-walkthrough.sh verbatim', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8')
    expect(fencedBlocks(readme, 'sh'), 'a ```sh block of the README is the whole script').to.include(await readFile(script, 'utf8'))
  })

  it('behavior: runs as written: the mail server registered with its consent is found and selected by find and the daemon, every role stops, nothing is left in the repository', async () => {
    const before = await repositoryChanges()
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RDISC_')))
    const started = Date.now()
    const bash = spawn('bash', [script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    bash.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    bash.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => { bash.kill('SIGKILL') }, 200_000)
    const [code] = await once(bash, 'close') as [number | null]
    clearTimeout(timer)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const output = `exit ${code ?? 'killed'} after ${seconds} s\nstdout:\n${stdout}\nstderr:\n${stderr}`
    expect(code, output).to.equal(0)

    const registered = /^registered node 0x([0-9a-f]{64}) as mailserver by provider (0x[0-9a-fA-F]{40})$/m.exec(stdout)
    expect(registered, output).to.not.equal(null)
    const [, nodeId, provider] = registered as unknown as [string, string, string]
    expect(stdout, 'find selected it, vouched for by the provider').to.match(new RegExp(`^selected\\s+${nodeId}\\s+${provider}\\s+discv5\\s+registered by trusted provider`, 'm'))
    expect(stdout, 'the DNS node list held it, and a find given only the list selected it').to.match(new RegExp(`^selected\\s+${nodeId}\\s+${provider}\\s+dns\\s+registered by trusted provider`, 'm'))
    expect(stdout.trimEnd().split('\n').at(-1), 'the daemon\'s selection, asked over HTTP').to.equal(nodeId)

    // keys and state lived in the script's temporary directory, gone with every process that used it
    const work = /^wrote a new key to (\/\S+)\/node\.key$/m.exec(stdout)?.[1] ?? ''
    expect(work, output).to.not.equal('')
    expect(work.startsWith(root), 'keys live outside the repository').to.equal(false)
    expect(await processesMentioning(work), 'roles still running').to.deep.equal([])
    expect(await stat(work).then(() => 'exists', (err: unknown) => (err as NodeJS.ErrnoException).code), 'the temporary directory').to.equal('ENOENT')
    expect(await repositoryChanges(), 'files the walkthrough left in the repository').to.deep.equal(before)
  })
})
