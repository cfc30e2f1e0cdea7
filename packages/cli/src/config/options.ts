import { homedir } from 'node:os'
import { join } from 'node:path'
import type { OptionSpec } from './option-spec.js'

/** Port of the daemon's HTTP API unless told otherwise (the daemon package's `DEFAULT_DAEMON_PORT`). */
export const DEFAULT_HTTP_PORT = 8645
/** How often the daemon measures the round trip to its verified servers unless told otherwise (the daemon package's `DEFAULT_LATENCY_INTERVAL_MS`). */
export const DEFAULT_LATENCY_INTERVAL_MS = 30_000
/** Address servers, bootnodes and the daemon bind unless told otherwise: loopback only. */
export const DEFAULT_HOST = '127.0.0.1'
/** How long `rdisc find` gathers discovered servers before verifying them, unless told otherwise. */
export const DEFAULT_FIND_TIMEOUT_MS = 5000
/** Funded accounts of `rdisc chain` unless told otherwise. */
export const DEFAULT_CHAIN_ACCOUNTS = 10

/** `$XDG_DATA_HOME/rdisc`, else `~/.local/share/rdisc`: where servers and the daemon keep their data. */
export function defaultDataDir (env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share'), 'rdisc')
}

/**
 * Every option of `rdisc`, once: the flag, environment variable and config
 * file key it can be given by, its type, default and description. Commands
 * name the options they take; parsing, resolution, `--help` and the README
 * all come from this table.
 */
export const OPTIONS = [
  // ------------------------------------------------------------- every command
  { name: 'help', flag: '--help', short: 'h', type: 'boolean', description: 'Print the help of the command and exit.' },
  { name: 'json', flag: '--json', type: 'boolean', description: 'Print one JSON document on stdout instead of text (logs and progress stay on stderr).' },
  { name: 'verbose', flag: '--verbose', type: 'boolean', env: 'RDISC_VERBOSE', description: 'On an error, print its stack and causes too.' },
  { name: 'config', path: true, flag: '--config', valueName: 'FILE', env: 'RDISC_CONFIG', type: 'string', description: 'A JSON config file: one object of settings, keyed by the names shown as config "..." in the help. Flags beat environment variables, which beat the file.' },
  { name: 'logLevel', flag: '--log-level', valueName: 'LEVEL', env: 'RDISC_LOG_LEVEL', configKey: 'logLevel', type: 'string', default: 'info', description: 'Least level of the logs written to stderr: trace, debug, info, warn, error, fatal or silent.' },
  { name: 'logFormat', flag: '--log-format', valueName: 'FORMAT', env: 'RDISC_LOG_FORMAT', configKey: 'logFormat', type: 'string', default: 'text', description: 'How every stderr line is written. text: plain lines (progress as is, `rdisc: warning: ...`, the error as `rdisc: ...`, logs as `rdisc: <level>: <message> key=value ...`; stacks only with --verbose). json: one JSON object per line for progress, warnings, the error and logs alike, in pino\'s shape: level (30 info and progress, 40 warning, 50 error), time (ms), pid, hostname, msg, then the log\'s fields; the error has err (type, message) and exitCode.' },

  // ----------------------------------------------------------------- plugins
  { name: 'plugins', flag: '--plugin', valueName: 'MODULE', env: 'RDISC_PLUGINS', configKey: 'plugins', type: 'list', description: 'Load a plugin module (a package name, or a path to a .js/.ts file) that exports `rdiscPlugin`. The built-in mailserver and push plugins are always loaded.' },

  // ------------------------------------------------------------------- keys
  { name: 'keyFile', path: true, flag: '--key-file', valueName: 'FILE', env: 'RDISC_KEY_FILE', configKey: 'keyFile', type: 'string', description: 'File holding the key the command signs with (0x + 64 hex characters), when no key file of its role (--curator-key-file...) is given.' },
  { name: 'keyEnv', flag: '--key-env', valueName: 'NAME', env: 'RDISC_KEY_ENV', configKey: 'keyEnv', type: 'string', description: 'Name of an environment variable that holds the key, for keys kept in a secret store rather than a file.' },
  { name: 'unsafeKey', flag: '--unsafe-key', valueName: 'HEX', type: 'string', description: 'The key itself, on the command line: it lands in the shell history and the process list, so only for throwaway dev keys (a warning is printed).' },
  { name: 'curatorKeyFile', path: true, flag: '--curator-key-file', valueName: 'FILE', env: 'RDISC_CURATOR_KEY_FILE', configKey: 'curatorKeyFile', type: 'string', description: 'File holding the curator\'s key, for the curator\'s commands.' },
  { name: 'providerKeyFile', path: true, flag: '--provider-key-file', valueName: 'FILE', env: 'RDISC_PROVIDER_KEY_FILE', configKey: 'providerKeyFile', type: 'string', description: 'File holding the provider\'s key, for the provider\'s commands.' },
  { name: 'nodeKeyFile', path: true, flag: '--node-key-file', valueName: 'FILE', env: 'RDISC_NODE_KEY_FILE', configKey: 'nodeKeyFile', type: 'string', description: 'File holding a server node\'s key: its discv5 node id, libp2p peer id and Ethereum address.' },
  { name: 'treeKeyFile', path: true, flag: '--tree-key-file', valueName: 'FILE', env: 'RDISC_TREE_KEY_FILE', configKey: 'treeKeyFile', type: 'string', description: 'File holding the key a DNS node list is signed with: its public key is in the list\'s enrtree:// URL, so keep it for every later version.' },

  // ------------------------------------------------------------------ chain
  { name: 'port', min: 0, max: 65535, flag: '--port', valueName: 'PORT', env: 'RDISC_CHAIN_PORT', configKey: 'chainPort', type: 'integer', defaultText: 'a free port', description: 'TCP port of 127.0.0.1 the chain\'s JSON-RPC answers on.' },
  { name: 'accounts', min: 1, flag: '--accounts', valueName: 'N', env: 'RDISC_CHAIN_ACCOUNTS', configKey: 'chainAccounts', type: 'integer', default: DEFAULT_CHAIN_ACCOUNTS, description: 'Number of funded dev accounts.' },
  { name: 'blockTime', min: 1, flag: '--block-time', valueName: 'SECONDS', env: 'RDISC_CHAIN_BLOCK_TIME', configKey: 'chainBlockTime', type: 'integer', defaultText: 'a block per transaction', description: 'Mine a block every SECONDS seconds instead of one per transaction.' },
  { name: 'chainId', min: 1, flag: '--chain-id', valueName: 'ID', env: 'RDISC_CHAIN_ID', configKey: 'chainId', type: 'integer', defaultText: '31337 for chain; asked of --rpc-url for consent and withdraw', description: 'Chain id: of the new chain (chain), or of the chain the registry lives on (consent and withdraw, to sign without an RPC endpoint).' },
  { name: 'keyDir', path: true, flag: '--key-dir', valueName: 'DIR', type: 'string', description: 'Also write each account\'s key to DIR/account-<i>.key (mode 600), and print export lines for them.' },

  // --------------------------------------------------------------- registry
  { name: 'rpcUrl', flag: '--rpc-url', valueName: 'URL', env: 'RDISC_RPC_URL', configKey: 'rpcUrl', type: 'string', description: 'HTTP(S) JSON-RPC endpoint of the chain the registry lives on.' },
  { name: 'rpcUrls', flag: '--rpc-url', valueName: 'URL', env: 'RDISC_RPC_URL', configKey: 'rpcUrl', type: 'list', oneOrMany: true, description: 'HTTP(S) JSON-RPC endpoint of the chain the registry lives on; repeat it (or separate URLs by commas) for endpoints that must agree, see --rpc-quorum.' },
  { name: 'rpcQuorum', min: 1, flag: '--rpc-quorum', valueName: 'K', env: 'RDISC_RPC_QUORUM', configKey: 'rpcQuorum', type: 'integer', defaultText: '1 for one --rpc-url, a majority for several', description: 'How many of the --rpc-url endpoints must return the same answer before it counts; below it, registry verdicts fail closed. With 1 and several URLs, the next URL is tried when one fails.' },
  { name: 'finality', flag: '--finality', valueName: 'WHEN', env: 'RDISC_FINALITY', configKey: 'finality', type: 'string', default: '0', defaultText: '0 (at once)', description: 'When a registration counts: a number N (after N confirmations), safe or finalized (once the chain\'s safe or finalized block reaches it). Revocations count at once.' },
  { name: 'registryFromBlock', min: 0, flag: '--registry-from-block', valueName: 'BLOCK', env: 'RDISC_REGISTRY_FROM_BLOCK', configKey: 'registryFromBlock', type: 'integer', defaultText: 'asked of the contract', description: 'The registry\'s deployment block, if it should not be asked of the contract (`deploymentBlock()`): only read once, when the index is loaded.' },
  { name: 'registry', flag: '--registry', valueName: 'ADDRESS', env: 'RDISC_REGISTRY', configKey: 'registry', type: 'string', description: 'Address of the ResourceRegistry contract.' },
  { name: 'name', flag: '--name', valueName: 'NAME', type: 'string', description: 'The provider\'s display name (1 to 64 bytes).' },
  { name: 'metadataUri', flag: '--metadata-uri', valueName: 'URI', type: 'string', default: '', description: 'URI of a document describing the provider (at most 512 bytes).' },
  { name: 'kind', flag: '--kind', valueName: 'KIND', type: 'string', description: 'The resource kind, e.g. mailserver.' },
  { name: 'kinds', flag: '--kind', valueName: 'KIND', env: 'RDISC_KINDS', configKey: 'kinds', type: 'list', defaultText: 'every loaded kind', description: 'A resource kind to work on.' },
  { name: 'provider', flag: '--provider', valueName: 'ADDRESS', type: 'string', description: 'The provider account that will register the node (consent, withdraw: or whose list the node leaves).' },
  { name: 'nodeId', flag: '--node-id', valueName: 'ID', type: 'string', description: 'A node id: 64 hex characters, with or without 0x.' },
  { name: 'signature', flag: '--signature', valueName: 'HEX', type: 'string', description: 'The node\'s signature, made where the node key is: its consent (`rdisc registry consent`) for add-resource, its withdrawal (`rdisc registry withdraw` without a sending key) for withdraw.' },
  { name: 'nonce', min: 0, flag: '--nonce', valueName: 'N', type: 'integer', defaultText: 'asked of --rpc-url', description: 'The node\'s nonce in the registry that the signature names: every add-resource and withdrawal of the node uses one, so a signature works once. Printed by consent and withdraw; needed to sign without --rpc-url, and with --signature.' },
  { name: 'deadline', min: 0, flag: '--deadline', valueName: 'UNIX_SECONDS', type: 'integer', defaultText: 'now plus --valid-for', description: 'The last block timestamp (Unix seconds) at which the node\'s signature is valid. Printed by consent and withdraw; needed with --signature.' },
  { name: 'validFor', flag: '--valid-for', valueName: 'DURATION', type: 'duration', default: 3_600_000, defaultText: '60m', description: 'When --deadline is not given: how long the node\'s signature stays valid, from the latest block\'s time (from this machine\'s clock without --rpc-url).' },

  // ---------------------------------------------------------------- network
  { name: 'host', flag: '--host', valueName: 'IP', env: 'RDISC_HOST', configKey: 'host', type: 'string', default: DEFAULT_HOST, description: 'IPv4 address to bind; servers and bootnodes also write it into their ENR, so use the address others reach them at. On a loopback address discv5 runs with short timeouts and no IP-similarity score (every node shares the address).' },
  { name: 'udpPort', min: 0, max: 65535, flag: '--udp-port', valueName: 'PORT', env: 'RDISC_UDP_PORT', configKey: 'udpPort', type: 'integer', default: 0, defaultText: '0 (a free port)', description: 'discv5 UDP port.' },
  { name: 'tcpPort', min: 0, max: 65535, flag: '--tcp-port', valueName: 'PORT', env: 'RDISC_TCP_PORT', configKey: 'tcpPort', type: 'integer', default: 0, defaultText: '0 (a free port)', description: 'libp2p TCP port.' },
  { name: 'webSocketPort', min: 0, max: 65535, flag: '--ws-port', valueName: 'PORT', env: 'RDISC_WS_PORT', configKey: 'webSocketPort', type: 'integer', defaultText: 'none; a free port with --waku-cluster', description: 'libp2p WebSocket port (plain ws, beside TCP), for clients that dial WebSockets such as js-waku; put a TLS proxy in front for wss.' },
  { name: 'wakuCluster', min: 0, max: 65535, flag: '--waku-cluster', valueName: 'ID', env: 'RDISC_WAKU_CLUSTER', configKey: 'wakuCluster', type: 'integer', description: 'Serve also as a Waku store node of this cluster (mailserver only; e.g. 16 for Status): Waku Store v3 over the same store, the metadata protocol, and waku2, multiaddrs and rs in the ENR.' },
  { name: 'wakuShard', min: 0, max: 1023, flag: '--waku-shard', valueName: 'ID', env: 'RDISC_WAKU_SHARD', configKey: 'wakuShard', type: 'integer', description: 'The shard of --waku-cluster whose pubsub topic (/waku/2/rs/<cluster>/<shard>) the Waku store serves.' },
  { name: 'announceHost', flag: '--announce-host', valueName: 'IP', env: 'RDISC_ANNOUNCE_HOST', configKey: 'announceHost', type: 'string', defaultText: '--host', description: 'IPv4 address written into the bootnode\'s ENR when it differs from the bound one (behind NAT).' },
  { name: 'bootnodes', flag: '--bootnode', valueName: 'ENR', env: 'RDISC_BOOTNODES', configKey: 'bootnodes', type: 'list', description: 'ENR of a discv5 node to join the network through.' },
  { name: 'dnsTrees', flag: '--dns-tree', valueName: 'URL', env: 'RDISC_DNS_TREES', configKey: 'dnsTrees', type: 'list', description: 'An EIP-1459 DNS node list to find servers in, `enrtree://<key>@<domain>`: its root must be signed by the key in the URL and every record must match its hash.' },
  { name: 'dnsServers', flag: '--dns-server', valueName: 'IP[:PORT]', env: 'RDISC_DNS_SERVERS', configKey: 'dnsServers', type: 'list', defaultText: 'the system\'s resolver', description: 'DNS server to look --dns-tree records up at, instead of the system\'s resolver (several: tried in order).' },
  { name: 'dataDir', path: true, flag: '--data-dir', valueName: 'DIR', env: 'RDISC_DATA_DIR', configKey: 'dataDir', type: 'string', default: () => defaultDataDir(), defaultText: '$XDG_DATA_HOME/rdisc or ~/.local/share/rdisc', description: 'Where servers (DIR/serve/<kind>-<node id>) and the daemon (DIR/daemon/<chain id>-<registry address>, or DIR/daemon/no-registry) keep their data across restarts; each network has its own daemon state.' },
  { name: 'serviceOptions', flag: '--option', valueName: 'NAME=VALUE', configKey: 'serviceOptions', type: 'map', description: 'An option of the kind\'s service (`rdisc serve --help` lists them). In the config file: an object by kind, e.g. {"push": {"gateway": "log"}}; flags override it name by name.' },

  // ------------------------------------------------------------ verification
  { name: 'trust', flag: '--trust', valueName: 'ADDRESS', env: 'RDISC_TRUST', configKey: 'trust', type: 'list', defaultText: '--default-provider', description: 'A registry provider whose registrations you trust; several in order of preference.' },
  { name: 'defaultProvider', flag: '--default-provider', valueName: 'ADDRESS', env: 'RDISC_DEFAULT_PROVIDER', configKey: 'defaultProvider', type: 'string', description: 'The provider trusted when --trust is not given.' },
  { name: 'servers', flag: '--server', valueName: '[KIND=]ADDRESS', env: 'RDISC_SERVERS', configKey: 'servers', type: 'list', description: 'One of your own servers, trusted without the registry: its ENR or /p2p/ multiaddr, prefixed with its kind and "=" unless it is of the kind found.' },
  { name: 'selectors', flag: '--selector', valueName: 'KIND=SPEC', env: 'RDISC_SELECTORS', configKey: 'selectors', type: 'list', defaultText: 'random', description: 'How to pick among the verified servers of a kind: random, latency (among the fastest quarter by libp2p ping), pinned:<nodeId>[,...], sticky (keep until it fails, then back off and graylist), weighted:<provider>=<weight>,...; layers chain with ">", e.g. mailserver=sticky>latency. Grammar in the core README.' },
  { name: 'timeout', flag: '--timeout', valueName: 'DURATION', env: 'RDISC_TIMEOUT', configKey: 'timeout', type: 'duration', default: DEFAULT_FIND_TIMEOUT_MS, defaultText: '5s', description: 'How long to gather discovered servers before verifying them: milliseconds, or with a unit (500ms, 5s, 1m).' },

  // ----------------------------------------------------------------- daemon
  { name: 'httpPort', min: 0, max: 65535, flag: '--http-port', valueName: 'PORT', env: 'RDISC_HTTP_PORT', configKey: 'httpPort', type: 'integer', default: DEFAULT_HTTP_PORT, description: 'TCP port of the daemon\'s HTTP API (0: a free port).' },
  { name: 'noWeb', flag: '--no-web', env: 'RDISC_NO_WEB', configKey: 'noWeb', type: 'boolean', description: 'Do not serve the web page at http://HOST:PORT/ (the trust settings, custom servers and live status for people); the API under /v1/ stays.' },
  { name: 'allowedHosts', flag: '--allowed-host', valueName: 'NAME', env: 'RDISC_ALLOWED_HOSTS', configKey: 'allowedHosts', type: 'list', defaultText: 'loopback names and IP addresses only', description: 'A name the daemon answers to besides localhost, 127.x.x.x, [::1] and IP addresses (e.g. a name of 127.0.0.1 in /etc/hosts, or the LAN name of a daemon bound to a LAN address); requests for other hosts get 403, so web pages of other sites cannot reach the API through DNS rebinding.' },
  { name: 'latencyInterval', flag: '--latency-interval', valueName: 'DURATION', env: 'RDISC_LATENCY_INTERVAL', configKey: 'latencyInterval', type: 'duration', default: DEFAULT_LATENCY_INTERVAL_MS, defaultText: '30s', description: 'How often the daemon pings every verified server (libp2p ping) to show its round trip in the API and the page; a server is also pinged when first verified. 0 turns it off.' },

  // ----------------------------------------------------------- DNS node lists
  { name: 'enrs', flag: '--enr', valueName: 'ENR', type: 'list', description: 'A node record to publish in the list (its signature is checked).' },
  { name: 'domain', flag: '--domain', valueName: 'NAME', type: 'string', description: 'The DNS name the list is published under, e.g. nodes.example.org.' },
  { name: 'seq', min: 0, flag: '--seq', valueName: 'N', type: 'integer', defaultText: 'one more than the --out file\'s, else 1', description: 'The list\'s sequence number: it never decreases, and a changed list needs a higher one.' },
  { name: 'links', flag: '--link', valueName: 'URL', type: 'list', description: 'Another list to link to, `enrtree://<key>@<domain>`.' },
  { name: 'treeOut', path: true, flag: '--out', valueName: 'FILE', type: 'string', description: 'File the list is written to, as JSON. An existing one is the version before: its sequence number and domain are kept to.' },
  { name: 'dnsPort', min: 0, max: 65535, flag: '--port', valueName: 'PORT', env: 'RDISC_DNS_PORT', configKey: 'dnsPort', type: 'integer', default: 0, defaultText: '0 (a free port)', description: 'UDP and TCP port the DNS server answers on.' },

  // ------------------------------------------------------------- demo, keys
  { name: 'keepRunning', flag: '--keep-running', type: 'boolean', description: 'Keep the demo network running after the report, until SIGINT/SIGTERM.' },
  { name: 'out', path: true, flag: '--out', valueName: 'FILE', type: 'string', description: 'File to write the new key to (mode 600); an existing file is never overwritten.' }
] as const satisfies readonly OptionSpec[]

/** The name of an option of {@link OPTIONS}. */
export type OptionName = typeof OPTIONS[number]['name']

/** The options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['help', 'json', 'verbose', 'config', 'logLevel', 'logFormat']

/** The spec of option `name`. */
export function optionSpec (name: OptionName): OptionSpec {
  const spec = OPTIONS.find((option) => option.name === name)
  if (spec === undefined) {
    throw new Error(`no option ${name}`)
  }
  return spec
}
