/** What the page reads from `config.json` next to it: the chain, the registry and the server records to verify. */
export interface PageConfig {
  /** The chain's JSON-RPC endpoint, which the page calls with `fetch` (it must answer CORS, as anvil does). */
  readonly rpcUrl: string
  /** The ResourceRegistry contract's address. */
  readonly registryAddress: string
  /** The provider the page trusts. */
  readonly defaultProvider: string
  /** The kind of the servers, e.g. `mailserver`. */
  readonly kind: string
  /** The server records (signed ENRs) the application ships, each with a label to show. */
  readonly servers: ReadonlyArray<{ readonly label: string, readonly address: string }>
}

/** The file the page fetches its {@link PageConfig} from, relative to itself. */
export const PAGE_CONFIG_FILE = 'config.json'
