import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DEFAULT_DEV_CHAIN_ID, startDevChain, type DevAccount } from '@resource-discovery/devchain'
import { listenFailure } from '../runtime/listen-check.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import { chainStartFailure } from './chain-failure.js'
import type { CommandContext } from './command-spec.js'

/** Which dev account plays which role in the printed export lines. */
const ROLE_ACCOUNTS = [['CURATOR', 0], ['PROVIDER', 1]] as const

const KEYS_WARNING = 'These accounts derive from the well-known test mnemonic "test test test test test test test test test test test junk": their keys are public. Use them on this dev chain only.'

/** Writes each account's key to `<dir>/account-<i>.key` (mode 600); returns the paths. */
async function writeKeys (dir: string, accounts: readonly DevAccount[]): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (const [index, account] of accounts.entries()) {
    const path = resolve(join(dir, `account-${index}.key`))
    await writeFile(path, `${account.privateKey}\n`, { mode: 0o600 })
    await chmod(path, 0o600)
    paths.push(path)
  }
  return paths
}

function exportLines (rpcUrl: string, keyPaths: readonly string[]): string[] {
  return [
    `export RDISC_RPC_URL=${rpcUrl}`,
    ...ROLE_ACCOUNTS.flatMap(([role, index]) => keyPaths[index] === undefined ? [] : [`export RDISC_${role}_KEY_FILE=${keyPaths[index]}`])
  ]
}

/** `rdisc chain`: runs anvil until SIGINT/SIGTERM and prints how to reach it. */
export async function runChain ({ options, output, signal }: CommandContext): Promise<void> {
  const port = options.number('port')
  const keyDir = options.string('keyDir')
  const chainId = options.number('chainId') ?? DEFAULT_DEV_CHAIN_ID
  const blockTime = options.number('blockTime')
  output.progress(`starting anvil on 127.0.0.1:${port ?? 'a free port'}`)
  const chain = await startDevChain({
    chainId,
    ...(port === undefined ? {} : { port }),
    accountCount: options.number('accounts'),
    ...(blockTime === undefined ? {} : { blockTimeSeconds: blockTime }),
    signal
  }).catch(async (err: unknown) => {
    // anvil's own words ("Address already in use") and devchain's advice name no flag of rdisc: say which one to change
    if (signal.aborted) {
      throw err
    }
    throw (await listenFailure(options, { protocol: 'tcp', host: '127.0.0.1', portOption: 'port' }, err)) ?? chainStartFailure(err, (name) => options.where(name)) ?? err
  })
  try {
    const { rpcUrl } = chain
    const keyPaths = keyDir === undefined ? [] : await writeKeys(keyDir, chain.accounts)
    output.result(
      {
        rpcUrl,
        chainId: chain.chainId,
        accounts: chain.accounts.map((account, index) => ({ ...account, ...(keyPaths[index] === undefined ? {} : { keyFile: keyPaths[index] }) })),
        warning: KEYS_WARNING,
        exports: exportLines(rpcUrl, keyPaths)
      },
      () => [
        `anvil dev chain at ${rpcUrl}, chain id ${chain.chainId}`,
        '',
        ...chain.accounts.map((account, index) => `account ${index}  ${account.address}  ${account.privateKey}${keyPaths[index] === undefined ? '' : `  ${keyPaths[index]}`}`),
        '',
        KEYS_WARNING,
        '',
        ...exportLines(rpcUrl, keyPaths)
      ].join('\n')
    )
    output.progress('the chain runs until Ctrl-C (SIGINT) or SIGTERM')
    await waitForAbort(signal)
    output.progress('stopping the chain')
  } finally {
    await chain.stop()
  }
}
