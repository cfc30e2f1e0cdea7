/**
 * The README's TypeScript snippets, type-checked against the packages'
 * sources as an embedding application would write them: the quick start and
 * the connect snippet as one module (the second uses the first's `client`),
 * the plugin snippet as another. A snippet that uses an undefined name, a
 * wrong option or a removed export fails here.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import ts from 'typescript'

const root = fileURLToPath(new URL('../../', import.meta.url))
const generated = join(root, 'test', 'docs', '.readme-snippets')

/** The ```ts blocks of `markdown`, in order. */
function typescriptBlocks (markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

/** Type errors of `files`, compiled with the repository's settings (sources through the source condition). */
function typeErrors (files: readonly string[]): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, types: ['node'] })
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && files.includes(diagnostic.file.fileName))
    .map((diagnostic) => `${diagnostic.file?.fileName.slice(generated.length + 1)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
}

describe('README snippets', function () {
  this.timeout(120_000)

  after(async () => {
    await rm(generated, { recursive: true, force: true })
  })

  it('behavior: every TypeScript snippet of the README type-checks (the quick start with its connect snippet, and the plugin)', async () => {
    const blocks = typescriptBlocks(await readFile(join(root, 'README.md'), 'utf8'))
    expect(blocks.length, 'the README\'s ```ts blocks').to.equal(3)
    const [quickStart, connect, plugin] = blocks as [string, string, string]
    await mkdir(generated, { recursive: true })
    const files = [join(generated, 'quick-start.ts'), join(generated, 'plugin.ts')]
    await writeFile(files[0] as string, `${quickStart}\n${connect}\nexport {}\n`)
    await writeFile(files[1] as string, plugin)
    expect(typeErrors(files)).to.deep.equal([])
  })

  it('behavior: the check sees errors (it can fail)', async () => {
    await mkdir(generated, { recursive: true })
    const file = join(generated, 'broken.ts')
    await writeFile(file, "import { createResourceContainer } from '@resource-discovery/core'\ncreateResourceContainer({ plugins: [], nonsense: true })\nconsole.log(topic)\nexport {}\n")
    const errors = typeErrors([file])
    expect(errors.join('\n')).to.contain('nonsense').and.to.contain("Cannot find name 'topic'")
  })
})
