import { getAddress, type ParamType } from 'ethers'
import { providerStatusFromValue } from './provider-status.js'

/**
 * Pairs decoded ABI values with their parameter names, the way this package
 * shows them: addresses checksummed, `ProviderStatus` enum values as names
 * (`'approved'`), other values as ethers decodes them (`bigint`, hex strings).
 */
export function namedArgs (inputs: readonly ParamType[], values: ArrayLike<unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {}
  inputs.forEach((input, index) => {
    const value = values[index]
    const name = input.name === '' ? `arg${index}` : input.name
    if (input.type === 'uint8' && /Status$/i.test(name) && typeof value === 'bigint') {
      args[name] = providerStatusFromValue(value)
    } else if (input.type === 'address' && typeof value === 'string') {
      args[name] = getAddress(value)
    } else {
      args[name] = value
    }
  })
  return args
}
