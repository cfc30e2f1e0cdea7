import { checkAddress } from '../../config/check-values.js'
import type { CommandContext } from '../command-spec.js'
import { transactionJson, transactionText, withRegistry } from './registry-session.js'

/** `rdisc registry apply`: the provider's account applies to the curator. */
export async function runApply (context: CommandContext): Promise<void> {
  const { options, output, signal } = context
  const name = options.requireString('name')
  const metadataUri = options.string('metadataUri') ?? ''
  await withRegistry(context, 'provider', async ({ registry, account }) => {
    const transaction = await registry.applyAsProvider(name, metadataUri, { signal })
    output.result(
      { provider: account, name, metadataUri, status: 'pending', transaction: transactionJson(transaction) },
      `${account ?? '?'} applied as provider "${name}"; the curator approves it with \`rdisc registry approve ${account ?? '<provider>'}\`\n${transactionText(transaction)}`
    )
  })
}

/** `rdisc registry add-provider <provider>`: the curator adds an approved provider directly. */
export async function runAddProvider (context: CommandContext): Promise<void> {
  const { options, output, positionals, signal } = context
  const provider = checkAddress('<provider>', positionals[0] ?? '')
  const name = options.requireString('name')
  const metadataUri = options.string('metadataUri') ?? ''
  await withRegistry(context, 'curator', async ({ registry }) => {
    const transaction = await registry.addProvider(provider, name, metadataUri, { signal })
    output.result(
      { provider, name, metadataUri, status: 'approved', transaction: transactionJson(transaction) },
      `added provider ${provider} "${name}", approved\n${transactionText(transaction)}`
    )
  })
}
