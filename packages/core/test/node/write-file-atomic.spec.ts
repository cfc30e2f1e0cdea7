import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { atomicTemporaryPrefix, writeFileAtomic } from '../../src/node/index.js'

describe('writeFileAtomic', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-atomic-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: replaces the file, leaves no temporary file, and is readable by the owner only', async () => {
    const path = join(dir, 'state.json')
    await writeFile(path, 'old')
    await writeFileAtomic(path, 'new')
    expect(await readFile(path, 'utf8')).to.equal('new')
    expect(await readdir(dir)).to.deep.equal(['state.json'])
    expect((await stat(path)).mode & 0o777).to.equal(0o600)
  })

  it('error: a missing directory fails, and no temporary file is left', async () => {
    const path = join(dir, 'missing', 'state.json')
    const err = await writeFileAtomic(path, 'x').then(() => undefined, (error: unknown) => error)
    expect((err as NodeJS.ErrnoException).code).to.equal('ENOENT')
    expect(await readdir(dir)).to.deep.equal([])
  })

  it('error: when the rename fails, what was at the path is kept and the temporary file removed', async () => {
    // a non-empty directory where the file should go makes the rename fail after the temporary file was written
    const blocked = join(dir, 'blocked')
    await mkdir(join(blocked, 'inner'), { recursive: true })
    const err = await writeFileAtomic(blocked, 'new').then(() => undefined, (error: unknown) => error)
    expect((err as NodeJS.ErrnoException).code).to.be.oneOf(['EISDIR', 'ENOTEMPTY', 'EEXIST'])
    expect(await readdir(blocked)).to.deep.equal(['inner'])
    expect((await readdir(dir)).filter((name) => name.startsWith(atomicTemporaryPrefix(blocked)))).to.deep.equal([])
  })
})
