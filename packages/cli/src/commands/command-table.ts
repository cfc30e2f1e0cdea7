import type { OptionName } from '../config/options.js'
import type { CommandGroupSpec, CommandSpec } from './command-spec.js'

const CURATOR_KEY: readonly OptionName[] = ['curatorKeyFile', 'keyFile', 'keyEnv', 'unsafeKey']
const PROVIDER_KEY: readonly OptionName[] = ['providerKeyFile', 'keyFile', 'keyEnv', 'unsafeKey']
const NODE_KEY: readonly OptionName[] = ['nodeKeyFile', 'keyFile', 'keyEnv', 'unsafeKey']
const REGISTRY: readonly OptionName[] = ['rpcUrl', 'registry']
const TREE_KEY: readonly OptionName[] = ['treeKeyFile', 'keyFile', 'keyEnv', 'unsafeKey']
const CLIENT: readonly OptionName[] = ['bootnodes', 'dnsTrees', 'dnsServers', 'rpcUrls', 'rpcQuorum', 'finality', 'registry', 'registryFromBlock', 'trust', 'defaultProvider', 'servers', 'selectors', 'plugins']

/** Words that group commands. */
export const COMMAND_GROUPS: readonly CommandGroupSpec[] = [
  {
    name: 'registry',
    summary: 'deploy the registry contract and run its life cycle (curator, providers, resources)',
    description: 'The curator deploys the ResourceRegistry and approves, rejects, suspends and reinstates providers; an approved provider registers the server nodes it runs, each with the node\'s consent signature. Reverted transactions print the contract\'s reason.'
  },
  {
    name: 'dns-tree',
    summary: 'publish an EIP-1459 DNS node list: build it, sign it, serve it',
    description: 'A DNS node list gives clients that cannot run Discovery v5 (a browser, a phone on a restrictive network) the servers it holds, over plain DNS, signed: clients given its enrtree:// URL check the root\'s signature and every record\'s hash. Build one from node records, or from the servers the registry vouches for; sign it with a key you keep; publish the zone text at your DNS provider, or serve it yourself.'
  }
]

/** Curator commands on one provider: same options, one positional. */
function curatorOnProvider (name: string, method: string, summary: string): CommandSpec {
  return {
    name: `registry ${name}`,
    summary,
    positionals: [{ name: 'provider', description: 'the provider\'s account address' }],
    options: [...REGISTRY, ...CURATOR_KEY],
    examples: [`rdisc registry ${name} 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --curator-key-file curator.key`],
    load: async () => (await import('./registry/curator-commands.js')).curatorCommand(method)
  }
}

/** Every command of `rdisc`, in the order `rdisc --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'chain',
    summary: 'run a local anvil dev chain and print its RPC URL and funded test keys',
    description: 'Starts anvil on 127.0.0.1 with funded accounts that derive from the well-known test mnemonic ("test test ... junk"): their keys are public, for local development only. Prints the RPC URL, the chain id, the accounts and export lines to paste; runs until SIGINT/SIGTERM, then stops anvil.',
    positionals: [],
    options: ['port', 'accounts', 'blockTime', 'chainId', 'keyDir'],
    examples: ['rdisc chain', 'rdisc chain --port 8545 --key-dir ./keys'],
    load: async () => (await import('./chain.js')).runChain
  },
  {
    name: 'keygen',
    summary: 'write a new secp256k1 key to a file and print its address, node id and peer id',
    description: 'One key serves as an account (curator, provider) or as a server node\'s identity (its discv5 node id, libp2p peer id and Ethereum address).',
    positionals: [],
    options: ['out'],
    examples: ['rdisc keygen --out node.key'],
    load: async () => (await import('./keygen.js')).runKeygen
  },
  {
    name: 'registry deploy',
    summary: 'deploy a ResourceRegistry contract, the signing account as its curator',
    positionals: [],
    options: ['rpcUrl', ...CURATOR_KEY],
    examples: ['rdisc registry deploy --rpc-url http://127.0.0.1:8545 --curator-key-file curator.key'],
    load: async () => (await import('./registry/deploy.js')).runDeploy
  },
  {
    name: 'registry add-provider',
    summary: 'curator: add an approved provider directly (e.g. the default provider)',
    positionals: [{ name: 'provider', description: 'the provider\'s account address' }],
    options: [...REGISTRY, ...CURATOR_KEY, 'name', 'metadataUri'],
    examples: ['rdisc registry add-provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --name "Default provider" --curator-key-file curator.key'],
    load: async () => (await import('./registry/provider-commands.js')).runAddProvider
  },
  {
    name: 'registry apply',
    summary: 'provider: apply to the curator with a name and a metadata URI',
    positionals: [],
    options: [...REGISTRY, ...PROVIDER_KEY, 'name', 'metadataUri'],
    examples: ['rdisc registry apply --name "Acme mail" --metadata-uri https://acme.example/provider.json --provider-key-file provider.key'],
    load: async () => (await import('./registry/provider-commands.js')).runApply
  },
  curatorOnProvider('approve', 'approveProvider', 'curator: approve a pending application'),
  curatorOnProvider('reject', 'rejectProvider', 'curator: reject a pending application'),
  curatorOnProvider('suspend', 'suspendProvider', 'curator: suspend an approved provider (its resources stop verifying)'),
  curatorOnProvider('reinstate', 'reinstateProvider', 'curator: reinstate a suspended provider'),
  curatorOnProvider('remove-provider', 'removeProvider', 'curator: remove an approved or suspended provider and its resources'),
  {
    name: 'registry consent',
    summary: 'node operator: sign the node\'s consent to be registered by a provider, without handing over the node key',
    description: 'Run where the node key is. Prints the node id, nonce, deadline and signature to hand to the provider, who passes them to `rdisc registry add-resource --node-id ID --nonce N --deadline T --signature SIG`. The signature is valid only for this registry, chain, kind and provider, only once (it names the node\'s current nonce, which every registration and withdrawal of the node uses up) and only until the deadline (--deadline, or --valid-for from now). The chain id and the nonce are asked of --rpc-url unless --chain-id and --nonce are given.',
    positionals: [],
    options: [...REGISTRY, 'chainId', 'kind', 'provider', 'nonce', 'deadline', 'validFor', ...NODE_KEY, 'plugins'],
    examples: [
      'rdisc registry consent --kind mailserver --provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --node-key-file node.key --registry 0x5FbDB2315678afecb367f032d93F642f64180aa3 --rpc-url http://127.0.0.1:8545 --valid-for 30m',
      'rdisc registry consent --kind mailserver --provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --node-key-file node.key --registry 0x5FbDB2315678afecb367f032d93F642f64180aa3 --chain-id 31337 --nonce 0'
    ],
    load: async () => (await import('./registry/resource-commands.js')).runConsent
  },
  {
    name: 'registry add-resource',
    summary: 'provider: register a server node for a kind, with the node\'s consent',
    description: 'The consent is signed here from --node-key-file (with the node\'s current nonce, valid for --valid-for), or made beforehand by the node\'s operator with `rdisc registry consent` and given as --node-id, --nonce, --deadline and --signature (the node\'s public key is recovered from the signature and checked against the node id). A consent works once and until its deadline: the contract refuses a used or expired one (InvalidNodeNonce, SignatureExpired).',
    positionals: [],
    options: [...REGISTRY, ...PROVIDER_KEY, 'kind', 'nodeKeyFile', 'nodeId', 'nonce', 'deadline', 'validFor', 'signature', 'plugins'],
    examples: [
      'rdisc registry add-resource --kind mailserver --node-key-file node.key --provider-key-file provider.key',
      'rdisc registry add-resource --kind mailserver --node-id 5a4c... --nonce 0 --deadline 1767225600 --signature 0x9f2e... --provider-key-file provider.key'
    ],
    load: async () => (await import('./registry/resource-commands.js')).runAddResource
  },
  {
    name: 'registry remove-resource',
    summary: 'provider: remove a node it registered for a kind',
    positionals: [],
    options: [...REGISTRY, ...PROVIDER_KEY, 'kind', 'nodeId', 'plugins'],
    examples: ['rdisc registry remove-resource --kind mailserver --node-id 5a4c... --provider-key-file provider.key'],
    load: async () => (await import('./registry/resource-commands.js')).runRemoveResource
  },
  {
    name: 'registry withdraw',
    summary: 'node operator: take the node off a provider\'s list with the node\'s own signature, without the provider',
    description: 'The node key (--node-key-file) signs a withdrawal for this registry, chain, kind and provider, with the node\'s current nonce, valid until --deadline (or for --valid-for). With a sending account\'s key (--key-file, --key-env or --unsafe-key: any funded account, the contract checks the node\'s signature, not the sender) it is sent at once; without one it is printed, with the command that sends it: `rdisc registry withdraw --node-id ID --nonce N --deadline T --signature SIG --key-file SENDER.key`. A withdrawal uses up the node\'s nonce, so it also voids every consent the node signed before.',
    positionals: [],
    options: [...REGISTRY, 'chainId', 'kind', 'provider', 'nodeKeyFile', 'nodeId', 'nonce', 'deadline', 'validFor', 'signature', 'keyFile', 'keyEnv', 'unsafeKey', 'plugins'],
    examples: [
      'rdisc registry withdraw --kind mailserver --provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --node-key-file node.key --key-file sender.key',
      'rdisc registry withdraw --kind mailserver --provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --node-key-file node.key --json',
      'rdisc registry withdraw --kind mailserver --provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --node-id 5a4c... --nonce 1 --deadline 1767225600 --signature 0x9f2e... --key-file sender.key'
    ],
    load: async () => (await import('./registry/resource-commands.js')).runWithdraw
  },
  {
    name: 'registry list',
    summary: 'list the providers with their status, name and metadata, and their resources per kind',
    positionals: [],
    options: [...REGISTRY, 'kinds', 'plugins'],
    examples: ['rdisc registry list', 'rdisc registry list --kind mailserver --json'],
    load: async () => (await import('./registry/list.js')).runList
  },
  {
    name: 'dns-tree build',
    summary: 'build a DNS node list of node records, or of the servers of a kind the registry vouches for',
    description: 'Takes the ENRs of --enr and, with --kind, every server of the kind found through the client options (--bootnode, --dns-tree, --server) that a trusted provider of the registry vouches for. Writes the unsigned list as JSON to --out, or prints it. An existing --out file is the version before: the domain must match and the sequence number may not go down; by default it goes up by one.',
    positionals: [],
    options: ['domain', 'enrs', 'links', 'seq', 'treeOut', 'kind', ...CLIENT, 'timeout'],
    examples: [
      'rdisc dns-tree build --domain nodes.example.org --enr enr:-IS4Q... --enr enr:-IS4Q... --out nodes.json',
      'rdisc dns-tree build --domain mail.example.org --kind mailserver --bootnode enr:-IS4Q... --rpc-url http://127.0.0.1:8545 --registry 0x5FbD... --trust 0x7099... --out mail.json'
    ],
    load: async () => (await import('./dns-tree.js')).runDnsTreeBuild
  },
  {
    name: 'dns-tree sign',
    summary: 'sign a DNS node list and print its enrtree:// URL and the zone text to publish',
    description: 'Signs the list\'s root with the tree key (--tree-key-file, or --key-file, --key-env) and writes the signed list back to the file (or to --out). The URL carries the key\'s public half: sign every later version with the same key.',
    positionals: [{ name: 'file', description: 'the list, as `rdisc dns-tree build` wrote it' }],
    options: ['treeOut', ...TREE_KEY],
    examples: ['rdisc dns-tree sign nodes.json --tree-key-file tree.key'],
    load: async () => (await import('./dns-tree.js')).runDnsTreeSign
  },
  {
    name: 'dns-tree serve',
    summary: 'answer a signed DNS node list over DNS (UDP and TCP), for tests and small deployments',
    description: 'An authoritative DNS server for the list\'s domain only, on --host:--port: clients reach it with --dns-server HOST:PORT. Serves until SIGINT/SIGTERM.',
    positionals: [{ name: 'file', description: 'the signed list, as `rdisc dns-tree sign` wrote it' }],
    options: ['host', 'dnsPort'],
    examples: ['rdisc dns-tree serve nodes.json --port 5300', 'rdisc find mailserver --dns-tree enrtree://AM5F...@nodes.example.org --dns-server 127.0.0.1:5300 ...'],
    load: async () => (await import('./dns-tree.js')).runDnsTreeServe
  },
  {
    name: 'bootnode',
    summary: 'run a discv5 bootnode (also a topic registrar) and print its ENR',
    description: 'Its key comes from --node-key-file (or --key-file, --key-env); without one it runs on a fresh key, and its ENR changes at every start. Serves until SIGINT/SIGTERM.',
    positionals: [],
    options: ['host', 'udpPort', 'announceHost', 'bootnodes', ...NODE_KEY],
    examples: ['rdisc bootnode --udp-port 9000', 'rdisc bootnode --host 0.0.0.0 --announce-host 203.0.113.7 --udp-port 9000 --node-key-file bootnode.key'],
    starting: 'starting a bootnode: loading discv5',
    load: async () => (await import('./bootnode.js')).runBootnode
  },
  {
    name: 'serve',
    summary: 'run a server of a plugin\'s kind, advertised on discv5',
    description: 'Runs a resource server (libp2p and discv5 on the node key) with the kind\'s service, prints its ENR, node id, peer id, Ethereum address and multiaddrs, and serves until SIGINT/SIGTERM. Without a node key it runs on a fresh one (a warning says so): register the node with a key that persists. The service keeps its data in --data-dir/serve/<kind>-<node id>.',
    positionals: [{ name: 'kind', description: 'the kind to serve' }],
    options: ['host', 'tcpPort', 'udpPort', 'webSocketPort', 'bootnodes', 'dataDir', 'serviceOptions', 'wakuCluster', 'wakuShard', ...NODE_KEY, 'plugins'],
    examples: [
      'rdisc serve mailserver --node-key-file node.key --bootnode enr:-IS4Q...',
      'rdisc serve push --option gateway=https://push.example/notify --node-key-file node.key',
      'rdisc serve mailserver --waku-cluster 16 --waku-shard 32 --ws-port 8000 --node-key-file node.key --bootnode enr:-IS4Q...'
    ],
    helpDetails: async (plugins, cwd) => (await import('./serve-help.js')).serveHelpDetails(plugins, cwd),
    starting: 'starting a server: loading libp2p, discv5 and the plugins',
    load: async () => (await import('./serve.js')).runServe
  },
  {
    name: 'find',
    summary: 'discover servers of a kind, verify each, and select one',
    description: 'Discovers on discv5 through --bootnode and in the DNS node lists of --dns-tree, verifies against the registry (with --rpc-url and --registry, trusting --trust or else --default-provider) and trusts your own --server entries, then selects one. Prints every server found with its verdict, the provider that vouches for it and the reason. Exits 1 if none is trusted.',
    positionals: [{ name: 'kind', description: 'the kind to find' }],
    options: [...CLIENT, 'timeout'],
    examples: ['rdisc find mailserver --bootnode enr:-IS4Q... --rpc-url http://127.0.0.1:8545 --registry 0x5FbD... --trust 0x7099...'],
    load: async () => (await import('./find.js')).runFind
  },
  {
    name: 'daemon',
    summary: 'run the resource-discovery daemon: verified servers of each kind over an HTTP API',
    description: 'Keeps the verified servers of each kind fresh and serves them over HTTP on --host:--http-port (GET /healthz and the API of @resource-discovery/daemon), with a web page at / for people: each kind\'s servers and verdicts live, the providers to trust, custom servers (--no-web turns it off). Its state lives in --data-dir/daemon/<chain id>-<registry address> (no-registry without a registry), one directory per network, so two networks never share trust settings. If the RPC endpoint does not answer at start it starts anyway, with a warning: registry verification fails closed until the endpoint answers, and recovers by itself. Runs until SIGINT/SIGTERM.',
    positionals: [],
    options: [...CLIENT, 'host', 'httpPort', 'dataDir', 'kinds', 'noWeb', 'allowedHosts', 'latencyInterval'],
    examples: ['rdisc daemon --bootnode enr:-IS4Q... --rpc-url http://127.0.0.1:8545 --registry 0x5FbD... --default-provider 0x7099...'],
    starting: 'starting the daemon: loading libp2p, discv5, the registry client and the plugins',
    load: async () => (await import('./daemon.js')).runDaemon
  },
  {
    name: 'demo',
    summary: 'run the whole picture on 127.0.0.1 and print a table of every server\'s verdict',
    description: 'Starts a dev chain with the registry, providers, a bootnode and servers of each kind, then finds, verifies and selects them as a client. Progress goes to stderr, the report to stdout.',
    positionals: [],
    options: ['keepRunning'],
    examples: ['rdisc demo', 'rdisc demo --json', 'rdisc demo --keep-running'],
    load: async () => (await import('./demo.js')).runDemoCommand
  }
]

/** The command named by `words`, the first words of the command line. */
export function findCommand (words: readonly string[]): CommandSpec | undefined {
  const two = words.slice(0, 2).join(' ')
  return COMMANDS.find((command) => command.name === two) ?? COMMANDS.find((command) => command.name === words[0])
}
