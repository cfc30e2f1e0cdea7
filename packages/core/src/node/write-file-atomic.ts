import { randomUUID } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** The name prefix of the temporary files {@link writeFileAtomic} writes next to `path` (for removing leftovers of a crash). */
export function atomicTemporaryPrefix (path: string): string {
  return `.${basename(path)}.`
}

/**
 * Replaces the file at `path` with `text` so that a reader (or a restart
 * after a crash or SIGKILL) sees either the old or the new content, never a
 * mix: the text goes to a temporary file in the same directory, is fsynced,
 * renamed over `path`, and the directory is fsynced so the rename is
 * durable. On failure the temporary file is removed and `path` is left as
 * it was. The directory must exist.
 *
 * @throws the file system's error (`ENOENT`, `EACCES`, `ENOSPC`...)
 */
export async function writeFileAtomic (path: string, text: string, options: { mode?: number } = {}): Promise<void> {
  const temporary = join(dirname(path), `${atomicTemporaryPrefix(path)}${randomUUID()}.tmp`)
  try {
    const file = await open(temporary, 'w', options.mode ?? 0o600)
    try {
      await file.writeFile(text, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  } catch (err) {
    await rm(temporary, { force: true })
    throw err
  }
  await syncDirectory(dirname(path))
}

/** Makes a rename in `dir` durable. Platforms that cannot open a directory for fsync (Windows) skip it. */
async function syncDirectory (dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
  } catch (err) {
    if (process.platform === 'win32') {
      return
    }
    throw err
  }
  try {
    await handle.sync()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') {
      throw err
    }
  } finally {
    await handle.close()
  }
}
