#!/usr/bin/env bash
# Every role of a small network on 127.0.0.1, one `rdisc` command each: a dev
# chain, the registry and its curator, a provider, a bootnode, a mail server
# registered with its consent, a client that finds it, a DNS node list of it
# and the daemon.
# Each command's output feeds the next through shell variables; keys and
# state live in a temporary directory outside the repository.
# Run it from the repository root after `npm install`: bash docs/cli-walkthrough.sh
set -euo pipefail
export PATH="$PWD/node_modules/.bin:$PATH"   # rdisc, built by npm install
WORK=$(mktemp -d)
export RDISC_DATA_DIR="$WORK/data"
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$WORK"' EXIT

# field NAME: one field of the JSON document on stdin (`jq -r .NAME` does the same)
field () { node -e 'let s = ""; process.stdin.on("data", (d) => { s += d }).on("end", () => { console.log(process.argv[1].split(".").reduce((v, k) => v[k], JSON.parse(s))) })' "$1"; }
# start NAME ARGS...: runs `rdisc ARGS --json` in the background; returns once it is ready, its result in $WORK/NAME.json
start () {
  local name=$1; shift
  rdisc "$@" --json > "$WORK/$name.json" 2> "$WORK/$name.log" &
  until [ -s "$WORK/$name.json" ]; do
    kill -0 $! 2> /dev/null || { cat "$WORK/$name.log" >&2; return 1; }
    sleep 0.2
  done
}

# 1. A dev chain (anvil) with funded test accounts, their keys in $WORK/keys
start chain chain --key-dir "$WORK/keys"
export RDISC_RPC_URL=$(field rpcUrl < "$WORK/chain.json")
CURATOR_KEY=$(field accounts.0.keyFile < "$WORK/chain.json")
PROVIDER_KEY=$(field accounts.1.keyFile < "$WORK/chain.json")
PROVIDER=$(field accounts.1.address < "$WORK/chain.json")

# 2. The curator deploys the registry and admits the provider
export RDISC_REGISTRY=$(rdisc registry deploy --curator-key-file "$CURATOR_KEY" --json | field address)
rdisc registry add-provider "$PROVIDER" --name "Default provider" --curator-key-file "$CURATOR_KEY"

# 3. A bootnode on a key of its own, so its ENR stays the same across restarts
rdisc keygen --out "$WORK/bootnode.key"
start bootnode bootnode --node-key-file "$WORK/bootnode.key"
BOOTNODE=$(field enr < "$WORK/bootnode.json")

# 4. The operator runs a mail server; its key never leaves the operator
rdisc keygen --out "$WORK/node.key"
start mailserver serve mailserver --node-key-file "$WORK/node.key" --bootnode "$BOOTNODE"
NODE_ID=$(field nodeId < "$WORK/mailserver.json")

# 5. The node consents to be registered by the provider, once and for an hour; the provider registers it with that consent
rdisc registry consent --kind mailserver --provider "$PROVIDER" --node-key-file "$WORK/node.key" --json > "$WORK/consent.json"
rdisc registry add-resource --kind mailserver --node-id "$NODE_ID" --nonce "$(field nonce < "$WORK/consent.json")" \
  --deadline "$(field deadline < "$WORK/consent.json")" --signature "$(field signature < "$WORK/consent.json")" --provider-key-file "$PROVIDER_KEY"

# 6. A client that trusts the provider finds, verifies and selects the server
rdisc find mailserver --bootnode "$BOOTNODE" --trust "$PROVIDER"

# 7. The provider publishes the servers it vouches for as a DNS node list, signed with a key it keeps;
#    a client given only the list's URL finds them there (here a DNS server on 127.0.0.1 answers the list)
rdisc keygen --out "$WORK/tree.key"
rdisc dns-tree build --domain mail.example.test --kind mailserver --bootnode "$BOOTNODE" --trust "$PROVIDER" --out "$WORK/tree.json"
rdisc dns-tree sign "$WORK/tree.json" --tree-key-file "$WORK/tree.key" > /dev/null
start dns dns-tree serve "$WORK/tree.json"
rdisc find mailserver --dns-tree "$(field url < "$WORK/dns.json")" --dns-server "127.0.0.1:$(field port < "$WORK/dns.json")" --trust "$PROVIDER"

# 8. The daemon keeps the selection fresh for apps; ask it like an app would
start daemon daemon --bootnode "$BOOTNODE" --trust "$PROVIDER" --selector mailserver='sticky>latency'
DAEMON=$(field url < "$WORK/daemon.json")
curl -fsS --retry 20 --retry-all-errors --retry-delay 1 "$DAEMON/v1/kinds/mailserver/selection" | field selected.nodeId
