// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ResourceRegistry
 * @notice An on-chain list of trusted server nodes ("resources"), one list per
 * resource kind (e.g. keccak256("mailserver")), published by providers that a
 * curator has approved. A client that discovered some nodes over discv5 asks
 * {checkResources} which of them a provider it trusts has registered.
 *
 * Roles:
 * - The curator approves, rejects, suspends, reinstates, removes and adds
 *   providers. Curatorship moves in two steps: {proposeCurator} by the
 *   curator, then {acceptCurator} by the proposed account.
 * - Any account may apply to become a provider ({applyAsProvider}). An
 *   approved provider registers and removes its own nodes. A suspended
 *   provider's nodes stop verifying until it is reinstated; a removed
 *   provider's nodes are forgotten for good (it may apply again and start
 *   from an empty list).
 * - A node consents to being listed by a provider by signing EIP-712 typed
 *   data with its own secp256k1 key (its discv5 identity key):
 *   domain `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
 *   with name "ResourceRegistry", version "2", the chain id and this
 *   contract's address; message
 *   `NodeConsent(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)`.
 *   The signature therefore cannot be replayed on another registry, another
 *   chain, for another kind or by another provider. It expires after
 *   `deadline` (a block timestamp, inclusive), and it names the node's
 *   current {nodeNonce}, which every {addResource} and {withdrawResource} of
 *   that node consumes: a consent is used at most once, and a removed node
 *   cannot be re-added with the signature that first added it.
 * - A node may leave a provider's list without the provider's help: it signs
 *   `NodeWithdrawal(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)`
 *   in the same domain, and anyone relays it to {withdrawResource}. A
 *   withdrawal also consumes the nonce, so it voids every consent the node
 *   signed before it and is itself used at most once.
 *
 * Node ids follow discv5 "v4" identities: nodeId = keccak256(x || y), where
 * x || y is the node's 64-byte uncompressed public key. The Ethereum address
 * of that key is the low 20 bytes of the same hash, which is what ecrecover
 * returns for a signature made with it.
 */
contract ResourceRegistry {
    /// @notice Where a provider stands. `None` means the account never applied nor was added.
    enum ProviderStatus {
        None,
        Pending,
        Approved,
        Suspended,
        Rejected,
        Removed
    }

    /// @notice A provider as the listing views return it.
    struct ProviderInfo {
        address account;
        ProviderStatus status;
        string name;
        string metadataUri;
    }

    /// @notice One entry of the {registrations} listing: some or all of a provider's nodes of one kind.
    struct Registration {
        address provider;
        ProviderStatus status;
        bytes32 kindId;
        bytes32[] nodeIds;
    }

    /// @dev The parts of a set key, listed once when the set receives its first node.
    struct RegistrationSet {
        address provider;
        uint32 epoch;
        bytes32 kindId;
    }

    /// @dev `epoch` grows on removal, so the nodes of a removed provider are keyed away for good.
    struct ProviderRecord {
        ProviderStatus status;
        uint32 epoch;
        string name;
        string metadataUri;
    }

    /// @notice EIP-712 name of this contract's signing domain.
    string public constant EIP712_NAME = "ResourceRegistry";
    /// @notice EIP-712 version of this contract's signing domain.
    /// @dev "2": NodeConsent gained nonce and deadline, and NodeWithdrawal was added.
    string public constant EIP712_VERSION = "2";
    /// @notice EIP-712 type hash of the message a node signs to consent to being listed.
    bytes32 public constant NODE_CONSENT_TYPEHASH = keccak256(
        "NodeConsent(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type hash of the message a node signs to withdraw from a provider's list.
    bytes32 public constant NODE_WITHDRAWAL_TYPEHASH = keccak256(
        "NodeWithdrawal(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)"
    );
    /// @notice Longest provider name, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 64;
    /// @notice Longest provider metadata URI, in bytes.
    uint256 public constant MAX_METADATA_URI_LENGTH = 512;

    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// @dev Signatures with s above half the curve order are malleable copies; only the low form is accepted.
    uint256 private constant _SECP256K1_HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The block this registry was deployed in: clients start reading its events there.
    uint256 public immutable deploymentBlock;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;

    /// @notice The account that manages providers.
    address public curator;
    /// @notice The account proposed as the next curator, or address(0).
    address public pendingCurator;

    mapping(address account => ProviderRecord) private _providers;
    address[] private _providerAccounts;

    /// @dev setKey = keccak256(provider, epoch, kindId) => node ids, in registration order (with swap-and-pop removal).
    mapping(bytes32 setKey => bytes32[]) private _nodes;
    /// @dev setKey => nodeId => index in _nodes[setKey] plus one (0 = absent).
    mapping(bytes32 setKey => mapping(bytes32 nodeId => uint256)) private _nodePosition;
    /// @dev Every set that ever held a node, in order of its first node; stale and empty sets stay listed.
    RegistrationSet[] private _registrationSets;
    /// @dev setKey => whether it is in _registrationSets.
    mapping(bytes32 setKey => bool) private _setListed;

    /// @notice The nonce the node's next consent or withdrawal must name; each use adds one.
    mapping(bytes32 nodeId => uint256) public nodeNonce;

    /// @notice `curator` proposed `proposedCurator` as the next curator (address(0) cancels a proposal).
    event CuratorProposed(address indexed curator, address indexed proposedCurator);
    /// @notice Curatorship moved from `previousCurator` to `newCurator` (from address(0) at deployment).
    event CuratorTransferred(address indexed previousCurator, address indexed newCurator);
    /// @notice `provider`'s name and metadata URI were set (on application or when the curator added it).
    event ProviderDetailsSet(address indexed provider, string name, string metadataUri);
    /// @notice `provider` moved from `previousStatus` to `newStatus`.
    event ProviderStatusChanged(
        address indexed provider, ProviderStatus indexed previousStatus, ProviderStatus indexed newStatus
    );
    /// @notice `provider` registered node `nodeId` as a server of kind `kindId`.
    event ResourceAdded(bytes32 indexed kindId, bytes32 indexed nodeId, address indexed provider);
    /// @notice Node `nodeId` left `provider`'s nodes of kind `kindId`: removed by the provider, or withdrawn by the node.
    event ResourceRemoved(bytes32 indexed kindId, bytes32 indexed nodeId, address indexed provider);

    /// @notice Only the curator may call this function.
    error NotCurator(address caller);
    /// @notice Only the proposed curator may accept curatorship.
    error NotPendingCurator(address caller);
    /// @notice The zero address is not a valid account here.
    error ZeroAddress();
    /// @notice The provider name is empty or longer than MAX_NAME_LENGTH bytes.
    error InvalidProviderName(uint256 length);
    /// @notice The metadata URI is longer than MAX_METADATA_URI_LENGTH bytes.
    error MetadataUriTooLong(uint256 length);
    /// @notice The account is already pending, approved or suspended.
    error ProviderAlreadyActive(address provider, ProviderStatus status);
    /// @notice The provider has no pending application.
    error ProviderNotPending(address provider, ProviderStatus status);
    /// @notice The provider is not approved (or is suspended).
    error ProviderNotApproved(address provider, ProviderStatus status);
    /// @notice The provider is not suspended.
    error ProviderNotSuspended(address provider, ProviderStatus status);
    /// @notice Only an approved or suspended provider can be removed.
    error ProviderNotRemovable(address provider, ProviderStatus status);
    /// @notice The node public key is not 64 bytes (uncompressed x || y, without the 0x04 prefix).
    error InvalidNodePublicKeyLength(uint256 length);
    /// @notice keccak256(nodePublicKey) is not nodeId.
    error NodeKeyMismatch(bytes32 nodeId, bytes32 publicKeyHash);
    /// @notice The node's consent or withdrawal signature was not made by the node's key over this
    /// registry, chain, kind, provider, nonce and deadline.
    error InvalidNodeSignature(bytes32 nodeId, address recoveredSigner);
    /// @notice The node's signed consent or withdrawal expired: its deadline is before this block's timestamp.
    error SignatureExpired(uint256 deadline, uint256 blockTimestamp);
    /// @notice The signed consent or withdrawal names a nonce other than the node's current {nodeNonce}:
    /// it was used already, voided by a later use, or signed ahead.
    error InvalidNodeNonce(bytes32 nodeId, uint256 expected, uint256 given);
    /// @notice The provider already registered this node for this kind.
    error ResourceAlreadyRegistered(bytes32 kindId, bytes32 nodeId, address provider);
    /// @notice The provider has not registered this node for this kind.
    error ResourceNotRegistered(bytes32 kindId, bytes32 nodeId, address provider);
    /// @notice A page of {registrations} must hold at least one node id: pass a limit above zero.
    error ZeroPageLimit();

    modifier onlyCurator() {
        if (msg.sender != curator) revert NotCurator(msg.sender);
        _;
    }

    /// @param initialCurator The first curator.
    constructor(address initialCurator) {
        if (initialCurator == address(0)) revert ZeroAddress();
        curator = initialCurator;
        deploymentBlock = block.number;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        emit CuratorTransferred(address(0), initialCurator);
    }

    // ------------------------------------------------------------------
    // Curator transfer
    // ------------------------------------------------------------------

    /// @notice Proposes `proposed` as the next curator; address(0) cancels a pending proposal.
    function proposeCurator(address proposed) external onlyCurator {
        pendingCurator = proposed;
        emit CuratorProposed(msg.sender, proposed);
    }

    /// @notice Makes the caller the curator; only the account proposed by {proposeCurator} may call it.
    function acceptCurator() external {
        if (msg.sender != pendingCurator) revert NotPendingCurator(msg.sender);
        address previous = curator;
        curator = msg.sender;
        pendingCurator = address(0);
        emit CuratorTransferred(previous, msg.sender);
    }

    // ------------------------------------------------------------------
    // Providers
    // ------------------------------------------------------------------

    /// @notice Applies for the caller to become a provider; the curator then approves or rejects.
    /// @dev Allowed for a new account and for one that was rejected or removed.
    function applyAsProvider(string calldata name, string calldata metadataUri) external {
        _admit(msg.sender, name, metadataUri, ProviderStatus.Pending);
    }

    /// @notice Adds `provider` as an approved provider directly (e.g. the default provider).
    function addProvider(address provider, string calldata name, string calldata metadataUri)
        external
        onlyCurator
    {
        if (provider == address(0)) revert ZeroAddress();
        _admit(provider, name, metadataUri, ProviderStatus.Approved);
    }

    /// @notice Approves a pending application.
    function approveProvider(address provider) external onlyCurator {
        ProviderStatus status = _providers[provider].status;
        if (status != ProviderStatus.Pending) revert ProviderNotPending(provider, status);
        _setStatus(provider, status, ProviderStatus.Approved);
    }

    /// @notice Rejects a pending application.
    function rejectProvider(address provider) external onlyCurator {
        ProviderStatus status = _providers[provider].status;
        if (status != ProviderStatus.Pending) revert ProviderNotPending(provider, status);
        _setStatus(provider, status, ProviderStatus.Rejected);
    }

    /// @notice Suspends an approved provider: its nodes stop verifying until {reinstateProvider}.
    function suspendProvider(address provider) external onlyCurator {
        ProviderStatus status = _providers[provider].status;
        if (status != ProviderStatus.Approved) revert ProviderNotApproved(provider, status);
        _setStatus(provider, status, ProviderStatus.Suspended);
    }

    /// @notice Reinstates a suspended provider: its nodes verify again.
    function reinstateProvider(address provider) external onlyCurator {
        ProviderStatus status = _providers[provider].status;
        if (status != ProviderStatus.Suspended) revert ProviderNotSuspended(provider, status);
        _setStatus(provider, status, ProviderStatus.Approved);
    }

    /// @notice Removes an approved or suspended provider and forgets all its nodes.
    function removeProvider(address provider) external onlyCurator {
        ProviderRecord storage record = _providers[provider];
        ProviderStatus status = record.status;
        if (status != ProviderStatus.Approved && status != ProviderStatus.Suspended) {
            revert ProviderNotRemovable(provider, status);
        }
        unchecked {
            record.epoch += 1;
        }
        _setStatus(provider, status, ProviderStatus.Removed);
    }

    // ------------------------------------------------------------------
    // Resources
    // ------------------------------------------------------------------

    /**
     * @notice Registers node `nodeId` as a server of kind `kindId`, run by the caller, and
     * consumes the node's nonce.
     * @dev Checks, in this order: the caller is approved (ProviderNotApproved), the key
     * (InvalidNodePublicKeyLength, NodeKeyMismatch), the deadline (SignatureExpired), the nonce
     * (InvalidNodeNonce), the signature (InvalidNodeSignature), then ResourceAlreadyRegistered.
     * @param kindId The resource kind, keccak256 of its name.
     * @param nodeId keccak256 of `nodePublicKey`.
     * @param nodePublicKey The node's 64-byte uncompressed secp256k1 public key (x || y).
     * @param nonce The node's current {nodeNonce}, as signed.
     * @param deadline The last block timestamp the consent is valid at, as signed.
     * @param nodeSignature The node's 65-byte (r, s, v) signature of the EIP-712
     *        NodeConsent(kindId, nodeId, provider = caller, nonce, deadline) for this registry and chain.
     */
    function addResource(
        bytes32 kindId,
        bytes32 nodeId,
        bytes calldata nodePublicKey,
        uint256 nonce,
        uint256 deadline,
        bytes calldata nodeSignature
    ) external {
        ProviderRecord storage record = _providers[msg.sender];
        if (record.status != ProviderStatus.Approved) revert ProviderNotApproved(msg.sender, record.status);
        if (nodePublicKey.length != 64) revert InvalidNodePublicKeyLength(nodePublicKey.length);
        bytes32 keyHash = keccak256(nodePublicKey);
        if (keyHash != nodeId) revert NodeKeyMismatch(nodeId, keyHash);
        _useNodeSignature(
            nodeConsentDigest(kindId, nodeId, msg.sender, nonce, deadline), nodeId, nonce, deadline, nodeSignature
        );

        bytes32 key = _setKey(msg.sender, record.epoch, kindId);
        mapping(bytes32 => uint256) storage position = _nodePosition[key];
        if (position[nodeId] != 0) revert ResourceAlreadyRegistered(kindId, nodeId, msg.sender);
        bytes32[] storage nodes = _nodes[key];
        // Only a set's first node (ever) pays for listing it; an emptied set is still listed.
        if (nodes.length == 0 && !_setListed[key]) {
            _setListed[key] = true;
            _registrationSets.push(RegistrationSet(msg.sender, record.epoch, kindId));
        }
        nodes.push(nodeId);
        position[nodeId] = nodes.length;
        emit ResourceAdded(kindId, nodeId, msg.sender);
    }

    /// @notice Removes node `nodeId` from the caller's nodes of kind `kindId`; allowed while suspended too.
    function removeResource(bytes32 kindId, bytes32 nodeId) external {
        _remove(kindId, nodeId, msg.sender);
    }

    /**
     * @notice Removes node `nodeId` from `provider`'s nodes of kind `kindId` on the node's own
     * signature, whatever the provider's status; anyone may send it. Consumes the node's nonce,
     * which also voids every consent the node signed before. Emits {ResourceRemoved}.
     * @dev Checks, in this order: the deadline (SignatureExpired), the nonce (InvalidNodeNonce), the
     * signature (InvalidNodeSignature), then ResourceNotRegistered. The signer must be the key whose
     * address is the low 20 bytes of `nodeId`, the key {addResource} checked when it listed the node.
     * @param kindId The resource kind, keccak256 of its name.
     * @param nodeId The node id, keccak256 of the node's public key.
     * @param provider The provider whose list the node leaves.
     * @param nonce The node's current {nodeNonce}, as signed.
     * @param deadline The last block timestamp the withdrawal is valid at, as signed.
     * @param nodeSignature The node's 65-byte (r, s, v) signature of the EIP-712
     *        NodeWithdrawal(kindId, nodeId, provider, nonce, deadline) for this registry and chain.
     */
    function withdrawResource(
        bytes32 kindId,
        bytes32 nodeId,
        address provider,
        uint256 nonce,
        uint256 deadline,
        bytes calldata nodeSignature
    ) external {
        _useNodeSignature(
            nodeWithdrawalDigest(kindId, nodeId, provider, nonce, deadline), nodeId, nonce, deadline, nodeSignature
        );
        _remove(kindId, nodeId, provider);
    }

    // ------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------

    /**
     * @notice For each of `nodeIds`, the first of `trustedProviders` that is approved
     * (not suspended) and registered that node for `kindId`, or address(0).
     */
    function checkResources(bytes32 kindId, bytes32[] calldata nodeIds, address[] calldata trustedProviders)
        external
        view
        returns (address[] memory providers_)
    {
        uint256 providerCount_ = trustedProviders.length;
        bytes32[] memory keys = new bytes32[](providerCount_);
        bool[] memory approved = new bool[](providerCount_);
        for (uint256 i = 0; i < providerCount_; ++i) {
            ProviderRecord storage record = _providers[trustedProviders[i]];
            if (record.status == ProviderStatus.Approved) {
                approved[i] = true;
                keys[i] = _setKey(trustedProviders[i], record.epoch, kindId);
            }
        }
        providers_ = new address[](nodeIds.length);
        for (uint256 n = 0; n < nodeIds.length; ++n) {
            bytes32 nodeId = nodeIds[n];
            for (uint256 i = 0; i < providerCount_; ++i) {
                if (approved[i] && _nodePosition[keys[i]][nodeId] != 0) {
                    providers_[n] = trustedProviders[i];
                    break;
                }
            }
        }
    }

    /// @notice Whether `provider` has registered `nodeId` for `kindId`, whatever its status.
    function isRegistered(bytes32 kindId, bytes32 nodeId, address provider) public view returns (bool) {
        return _nodePosition[_setKey(provider, _providers[provider].epoch, kindId)][nodeId] != 0;
    }

    /// @notice Whether `provider` is approved (not suspended) and has registered `nodeId` for `kindId`.
    function isVerified(bytes32 kindId, bytes32 nodeId, address provider) external view returns (bool) {
        return _providers[provider].status == ProviderStatus.Approved && isRegistered(kindId, nodeId, provider);
    }

    /// @notice How many nodes `provider` has registered for `kindId`.
    function resourceCount(address provider, bytes32 kindId) external view returns (uint256) {
        return _nodes[_setKey(provider, _providers[provider].epoch, kindId)].length;
    }

    /// @notice Up to `limit` of the nodes `provider` registered for `kindId`, from index `offset`.
    /// @dev Removal swaps the last node into the freed place, so order is not stable across removals.
    function resourcesOf(address provider, bytes32 kindId, uint256 offset, uint256 limit)
        external
        view
        returns (bytes32[] memory nodeIds)
    {
        bytes32[] storage nodes = _nodes[_setKey(provider, _providers[provider].epoch, kindId)];
        uint256 end = _pageEnd(nodes.length, offset, limit);
        nodeIds = new bytes32[](end > offset ? end - offset : 0);
        for (uint256 i = offset; i < end; ++i) {
            nodeIds[i - offset] = nodes[i];
        }
    }

    /**
     * @notice One page of all current registrations, to load a full index from state
     * (e.g. with `eth_call` pinned to a block hash) instead of replaying events.
     * @dev Each entry is one (provider, kind) set, or a slice of it; sets of removed providers
     * and empty sets are skipped. Status is the provider's status now: a suspended provider's
     * nodes are listed with status Suspended. A page holds at most `limit` node ids and scans at
     * most `limit` sets, so its gas is bounded whatever the registry holds. Read all pages at the
     * same block: removals move nodes between positions.
     * @param cursor `(setIndex << 128) | nodeOffset`; 0 for the first page, then the previous `next`.
     * @param limit The most node ids (and sets scanned) in this page; must be above zero.
     * @return page The entries, in order of each set's first registration.
     * @return next The cursor of the next page, or 0 when the listing is complete.
     */
    function registrations(uint256 cursor, uint256 limit)
        external
        view
        returns (Registration[] memory page, uint256 next)
    {
        if (limit == 0) revert ZeroPageLimit();
        uint256 setIndex = cursor >> 128;
        uint256 offset = cursor & type(uint128).max;
        uint256 setCount = _registrationSets.length;
        page = new Registration[](setIndex < setCount ? _min(limit, setCount - setIndex) : 0);
        uint256 entries = 0;
        uint256 room = limit;
        for (uint256 scanned = 0; setIndex < setCount && room > 0 && scanned < limit; ++scanned) {
            RegistrationSet storage set = _registrationSets[setIndex];
            ProviderRecord storage record = _providers[set.provider];
            bytes32[] storage nodes = _nodes[_setKey(set.provider, set.epoch, set.kindId)];
            uint256 length = record.epoch == set.epoch ? nodes.length : 0;
            if (offset < length) {
                uint256 end = _pageEnd(length, offset, room);
                bytes32[] memory nodeIds = new bytes32[](end - offset);
                for (uint256 i = offset; i < end; ++i) {
                    nodeIds[i - offset] = nodes[i];
                }
                page[entries++] = Registration(set.provider, record.status, set.kindId, nodeIds);
                room -= end - offset;
                if (end < length) {
                    offset = end;
                    break;
                }
            }
            ++setIndex;
            offset = 0;
        }
        assembly ("memory-safe") {
            mstore(page, entries)
        }
        next = setIndex < setCount ? (setIndex << 128) | offset : 0;
    }

    /// @notice How many registration sets {registrations} scans: every (provider, kind) that ever held a node.
    function registrationSetCount() external view returns (uint256) {
        return _registrationSets.length;
    }

    /// @notice How many accounts ever applied or were added as providers (whatever their status now).
    function providerCount() external view returns (uint256) {
        return _providerAccounts.length;
    }

    /// @notice Up to `limit` providers from index `offset`, in order of first application.
    function providers(uint256 offset, uint256 limit) external view returns (ProviderInfo[] memory page) {
        uint256 end = _pageEnd(_providerAccounts.length, offset, limit);
        page = new ProviderInfo[](end > offset ? end - offset : 0);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = getProvider(_providerAccounts[i]);
        }
    }

    /// @notice The status, name and metadata URI of `provider` (status None if unknown).
    function getProvider(address provider) public view returns (ProviderInfo memory) {
        ProviderRecord storage record = _providers[provider];
        return ProviderInfo(provider, record.status, record.name, record.metadataUri);
    }

    /// @notice The status of `provider`.
    function providerStatus(address provider) external view returns (ProviderStatus) {
        return _providers[provider].status;
    }

    /// @notice The EIP-712 domain separator of this registry on the current chain.
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @notice The EIP-712 digest a node signs to let `provider` list it as `kindId`, once, until `deadline`.
    function nodeConsentDigest(bytes32 kindId, bytes32 nodeId, address provider, uint256 nonce, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _typedDigest(NODE_CONSENT_TYPEHASH, kindId, nodeId, provider, nonce, deadline);
    }

    /// @notice The EIP-712 digest a node signs to leave `provider`'s list of `kindId`, once, until `deadline`.
    function nodeWithdrawalDigest(bytes32 kindId, bytes32 nodeId, address provider, uint256 nonce, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _typedDigest(NODE_WITHDRAWAL_TYPEHASH, kindId, nodeId, provider, nonce, deadline);
    }

    /// @notice EIP-5267 description of the signing domain.
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (hex"0f", EIP712_NAME, EIP712_VERSION, block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _admit(address provider, string calldata name, string calldata metadataUri, ProviderStatus newStatus)
        private
    {
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) revert InvalidProviderName(nameLength);
        if (bytes(metadataUri).length > MAX_METADATA_URI_LENGTH) revert MetadataUriTooLong(bytes(metadataUri).length);
        ProviderRecord storage record = _providers[provider];
        ProviderStatus status = record.status;
        if (status == ProviderStatus.None) {
            _providerAccounts.push(provider);
        } else if (status != ProviderStatus.Rejected && status != ProviderStatus.Removed) {
            revert ProviderAlreadyActive(provider, status);
        }
        record.name = name;
        record.metadataUri = metadataUri;
        emit ProviderDetailsSet(provider, name, metadataUri);
        _setStatus(provider, status, newStatus);
    }

    function _setStatus(address provider, ProviderStatus previous, ProviderStatus next) private {
        _providers[provider].status = next;
        emit ProviderStatusChanged(provider, previous, next);
    }

    /// @dev Checks a node's signed message (deadline, nonce, then signer) and consumes the node's nonce.
    function _useNodeSignature(
        bytes32 digest,
        bytes32 nodeId,
        uint256 nonce,
        uint256 deadline,
        bytes calldata nodeSignature
    ) private {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        uint256 expected = nodeNonce[nodeId];
        if (nonce != expected) revert InvalidNodeNonce(nodeId, expected, nonce);
        address signer = _recover(digest, nodeSignature);
        // The key's Ethereum address is the low 20 bytes of keccak256(key), i.e. of nodeId.
        if (signer == address(0) || signer != address(uint160(uint256(nodeId)))) {
            revert InvalidNodeSignature(nodeId, signer);
        }
        unchecked {
            nodeNonce[nodeId] = expected + 1;
        }
    }

    /// @dev Takes `nodeId` out of `provider`'s current set of `kindId` (swap-and-pop) and emits ResourceRemoved.
    function _remove(bytes32 kindId, bytes32 nodeId, address provider) private {
        bytes32 key = _setKey(provider, _providers[provider].epoch, kindId);
        mapping(bytes32 => uint256) storage position = _nodePosition[key];
        uint256 slot = position[nodeId];
        if (slot == 0) revert ResourceNotRegistered(kindId, nodeId, provider);
        bytes32[] storage nodes = _nodes[key];
        uint256 last = nodes.length;
        if (slot != last) {
            bytes32 moved = nodes[last - 1];
            nodes[slot - 1] = moved;
            position[moved] = slot;
        }
        nodes.pop();
        delete position[nodeId];
        emit ResourceRemoved(kindId, nodeId, provider);
    }

    function _typedDigest(
        bytes32 typeHash,
        bytes32 kindId,
        bytes32 nodeId,
        address provider,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(typeHash, kindId, nodeId, provider, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @dev Returns address(0) for a malformed or malleable signature instead of reverting.
    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if ((v != 27 && v != 28) || uint256(s) > _SECP256K1_HALF_ORDER) return address(0);
        return ecrecover(digest, v, r, s);
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(
            abi.encode(
                _DOMAIN_TYPEHASH,
                keccak256(bytes(EIP712_NAME)),
                keccak256(bytes(EIP712_VERSION)),
                block.chainid,
                address(this)
            )
        );
    }

    function _setKey(address provider, uint32 epoch, bytes32 kindId) private pure returns (bytes32) {
        return keccak256(abi.encode(provider, epoch, kindId));
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _pageEnd(uint256 length, uint256 offset, uint256 limit) private pure returns (uint256) {
        if (offset >= length) return offset;
        uint256 remaining = length - offset;
        return offset + (limit < remaining ? limit : remaining);
    }
}
