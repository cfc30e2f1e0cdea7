import { checkAddress } from '../../config/check-values.js'
import type { CommandContext, CommandRun } from '../command-spec.js'
import { transactionJson, transactionText, withRegistry } from './registry-session.js'

/** The curator's transactions on one provider, and the word for what each did. */
const CURATOR_METHODS = {
  approveProvider: 'approved',
  rejectProvider: 'rejected',
  suspendProvider: 'suspended',
  reinstateProvider: 'reinstated',
  removeProvider: 'removed'
} as const satisfies Record<string, string>

type CuratorMethod = keyof typeof CURATOR_METHODS

function isCuratorMethod (method: string): method is CuratorMethod {
  return method in CURATOR_METHODS
}

/**
 * The body of `rdisc registry approve|reject|suspend|reinstate|remove-provider <provider>`:
 * sends the curator's transaction, then prints the provider's status.
 */
export function curatorCommand (method: string): CommandRun {
  if (!isCuratorMethod(method)) {
    throw new Error(`no curator method ${method}`)
  }
  return async (context: CommandContext): Promise<void> => {
    const provider = checkAddress('<provider>', context.positionals[0] ?? '')
    await withRegistry(context, 'curator', async ({ registry }) => {
      const transaction = await registry[method](provider, { signal: context.signal })
      const info = await registry.getProvider(provider, { signal: context.signal })
      context.output.result(
        { provider, action: CURATOR_METHODS[method], status: info.status, transaction: transactionJson(transaction) },
        `${CURATOR_METHODS[method]} provider ${provider}: its status is now ${info.status}\n${transactionText(transaction)}`
      )
    })
  }
}
