// generated, do not edit: run `npm run contracts:build` after changing contracts/ResourceRegistry.sol.
// Compiled with solc 0.8.28+commit.7893614a.Emscripten.clang, optimizer on (200 runs), EVM version cancun.

/** ABI of the ResourceRegistry contract (`contracts/ResourceRegistry.sol`). */
export const resourceRegistryAbi = [
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "initialCurator",
        "type": "address"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "constructor"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "length",
        "type": "uint256"
      }
    ],
    "name": "InvalidNodePublicKeyLength",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "recoveredSigner",
        "type": "address"
      }
    ],
    "name": "InvalidNodeSignature",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "length",
        "type": "uint256"
      }
    ],
    "name": "InvalidProviderName",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "length",
        "type": "uint256"
      }
    ],
    "name": "MetadataUriTooLong",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "publicKeyHash",
        "type": "bytes32"
      }
    ],
    "name": "NodeKeyMismatch",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "caller",
        "type": "address"
      }
    ],
    "name": "NotCurator",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "caller",
        "type": "address"
      }
    ],
    "name": "NotPendingCurator",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "ProviderAlreadyActive",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "ProviderNotApproved",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "ProviderNotPending",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "ProviderNotRemovable",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "ProviderNotSuspended",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "ResourceAlreadyRegistered",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "ResourceNotRegistered",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "ZeroAddress",
    "type": "error"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "curator",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "proposedCurator",
        "type": "address"
      }
    ],
    "name": "CuratorProposed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "previousCurator",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "newCurator",
        "type": "address"
      }
    ],
    "name": "CuratorTransferred",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "string",
        "name": "name",
        "type": "string"
      },
      {
        "indexed": false,
        "internalType": "string",
        "name": "metadataUri",
        "type": "string"
      }
    ],
    "name": "ProviderDetailsSet",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "previousStatus",
        "type": "uint8"
      },
      {
        "indexed": true,
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "newStatus",
        "type": "uint8"
      }
    ],
    "name": "ProviderStatusChanged",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "ResourceAdded",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "ResourceRemoved",
    "type": "event"
  },
  {
    "inputs": [],
    "name": "EIP712_NAME",
    "outputs": [
      {
        "internalType": "string",
        "name": "",
        "type": "string"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "EIP712_VERSION",
    "outputs": [
      {
        "internalType": "string",
        "name": "",
        "type": "string"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "MAX_METADATA_URI_LENGTH",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "MAX_NAME_LENGTH",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "NODE_CONSENT_TYPEHASH",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "acceptCurator",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "string",
        "name": "name",
        "type": "string"
      },
      {
        "internalType": "string",
        "name": "metadataUri",
        "type": "string"
      }
    ],
    "name": "addProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes",
        "name": "nodePublicKey",
        "type": "bytes"
      },
      {
        "internalType": "bytes",
        "name": "nodeSignature",
        "type": "bytes"
      }
    ],
    "name": "addResource",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "string",
        "name": "name",
        "type": "string"
      },
      {
        "internalType": "string",
        "name": "metadataUri",
        "type": "string"
      }
    ],
    "name": "applyAsProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "approveProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32[]",
        "name": "nodeIds",
        "type": "bytes32[]"
      },
      {
        "internalType": "address[]",
        "name": "trustedProviders",
        "type": "address[]"
      }
    ],
    "name": "checkResources",
    "outputs": [
      {
        "internalType": "address[]",
        "name": "providers_",
        "type": "address[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "curator",
    "outputs": [
      {
        "internalType": "address",
        "name": "",
        "type": "address"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "domainSeparator",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "eip712Domain",
    "outputs": [
      {
        "internalType": "bytes1",
        "name": "fields",
        "type": "bytes1"
      },
      {
        "internalType": "string",
        "name": "name",
        "type": "string"
      },
      {
        "internalType": "string",
        "name": "version",
        "type": "string"
      },
      {
        "internalType": "uint256",
        "name": "chainId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "verifyingContract",
        "type": "address"
      },
      {
        "internalType": "bytes32",
        "name": "salt",
        "type": "bytes32"
      },
      {
        "internalType": "uint256[]",
        "name": "extensions",
        "type": "uint256[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "getProvider",
    "outputs": [
      {
        "components": [
          {
            "internalType": "address",
            "name": "account",
            "type": "address"
          },
          {
            "internalType": "enum ResourceRegistry.ProviderStatus",
            "name": "status",
            "type": "uint8"
          },
          {
            "internalType": "string",
            "name": "name",
            "type": "string"
          },
          {
            "internalType": "string",
            "name": "metadataUri",
            "type": "string"
          }
        ],
        "internalType": "struct ResourceRegistry.ProviderInfo",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "isRegistered",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "isVerified",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      },
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "nodeConsentDigest",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "pendingCurator",
    "outputs": [
      {
        "internalType": "address",
        "name": "",
        "type": "address"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "proposed",
        "type": "address"
      }
    ],
    "name": "proposeCurator",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "providerCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "providerStatus",
    "outputs": [
      {
        "internalType": "enum ResourceRegistry.ProviderStatus",
        "name": "",
        "type": "uint8"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "offset",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "limit",
        "type": "uint256"
      }
    ],
    "name": "providers",
    "outputs": [
      {
        "components": [
          {
            "internalType": "address",
            "name": "account",
            "type": "address"
          },
          {
            "internalType": "enum ResourceRegistry.ProviderStatus",
            "name": "status",
            "type": "uint8"
          },
          {
            "internalType": "string",
            "name": "name",
            "type": "string"
          },
          {
            "internalType": "string",
            "name": "metadataUri",
            "type": "string"
          }
        ],
        "internalType": "struct ResourceRegistry.ProviderInfo[]",
        "name": "page",
        "type": "tuple[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "reinstateProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "rejectProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "removeProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "nodeId",
        "type": "bytes32"
      }
    ],
    "name": "removeResource",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      }
    ],
    "name": "resourceCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      },
      {
        "internalType": "bytes32",
        "name": "kindId",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "offset",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "limit",
        "type": "uint256"
      }
    ],
    "name": "resourcesOf",
    "outputs": [
      {
        "internalType": "bytes32[]",
        "name": "nodeIds",
        "type": "bytes32[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "provider",
        "type": "address"
      }
    ],
    "name": "suspendProvider",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  }
] as const

/** Creation bytecode of the ResourceRegistry contract; its constructor takes `address initialCurator`. */
export const resourceRegistryBytecode = '0x60c060405234801561000f575f5ffd5b5060405161249a38038061249a83398101604081905261002e9161018b565b6001600160a01b0381166100555760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b0383161790554660805261014d604080518082018252601081526f5265736f75726365526567697374727960801b6020918201528151808301835260018152603160f81b9082015281517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f818301527f9c23c72709708ca5a370ac69be2dd8bcc289a13ee5892df389480f71986d9de0818401527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a0808301919091528351808303909101815260c0909101909252815191012090565b60a0526040516001600160a01b038216905f907f1d71623b930faba2cae6c6b89d58c2cfed18b689c6bc4da1b52d4465b2c1058e908290a3506101b8565b5f6020828403121561019b575f5ffd5b81516001600160a01b03811681146101b1575f5ffd5b9392505050565b60805160a0516122c16101d95f395f61153301525f61143301526122c15ff3fe608060405234801561000f575f5ffd5b50600436106101d1575f3560e01c80638a32a01c116100fe578063ac873d281161009e578063eccec5a81161006e578063eccec5a814610476578063f5d1a66f14610496578063f698da25146104a9578063fdb60862146104b1575f5ffd5b8063ac873d281461041e578063c4f7700214610431578063d51340bf14610444578063e66f53b714610464575f5ffd5b8063926a633f116100d9578063926a633f146103c5578063969915ce146103d857806399e82915146103f8578063a25a5e1a1461040b575f5ffd5b80638a32a01c1461037f5780638a355a57146103875780639009e7dd1461039a575f5ffd5b80633b2fb7a81161017457806374c832681161014457806374c83268146103415780637a28399b1461034957806384b0196e1461035c5780638607498514610377575f5ffd5b80633b2fb7a8146102ab57806355f21eb7146102e757806366d8b0b5146103075780636dabd0f51461032e575f5ffd5b806311cc8ea7116101af57806311cc8ea7146102265780631e95fb331461025e5780632fe287591461027f5780633accad9314610288575f5ffd5b806309e8a8cc146101d55780630b4c72a9146101ea5780630bc31536146101fd575b5f5ffd5b6101e86101e3366004611ad2565b6104c4565b005b6101e86101f8366004611b6d565b6105ff565b61021061020b366004611b86565b61068c565b60405161021d9190611bbc565b60405180910390f35b610251610234366004611b6d565b6001600160a01b03165f9081526002602052604090205460ff1690565b60405161021d9190611c32565b61027161026c366004611c40565b61079f565b60405190815260200161021d565b61027161020081565b61029b610296366004611c68565b6107ec565b604051901515815260200161021d565b6102da6040518060400160405280601081526020016f5265736f75726365526567697374727960801b81525081565b60405161021d9190611cc8565b6102fa6102f5366004611b6d565b61084a565b60405161021d9190611d2e565b6102717f823459f7507d2bb10167093ec3019782bc29666fbe9aebde6602e94350d0f05681565b61027161033c366004611c68565b6109d8565b600354610271565b6101e8610357366004611b6d565b610a85565b610364610b0e565b60405161021d9796959493929190611d40565b610271604081565b6101e8610bba565b6101e8610395366004611b6d565b610c3d565b6001546103ad906001600160a01b031681565b6040516001600160a01b03909116815260200161021d565b6101e86103d3366004611dd6565b610d15565b6103eb6103e6366004611dd6565b610e6f565b60405161021d9190611df6565b6101e8610406366004611b6d565b610f77565b6101e8610419366004611b6d565b610ff4565b6101e861042c366004611b6d565b61107f565b61029b61043f366004611c68565b6110f6565b610457610452366004611e99565b611140565b60405161021d9190611f10565b5f546103ad906001600160a01b031681565b6102da604051806040016040528060018152602001603160f81b81525081565b6101e86104a4366004611f50565b61141b565b610271611430565b6101e86104bf366004611fba565b611555565b335f90815260026020819052604090912090815460ff1660058111156104ec576104ec611bfe565b1461051d57805460405163bb3d3b3760e01b815261051491339160ff90911690600401612027565b60405180910390fd5b61052c878787878787336115be565b80545f90610547903390610100900463ffffffff168a61169b565b5f8181526005602090815260408083208b8452918290529091205491925090156105945760405163329f4a0360e21b8152600481018a905260248101899052336044820152606401610514565b5f8281526004602090815260408083208054600181018255818552838520018c905580548c8552928590528184209290925551909133918b918d917f652fd7bbc9a336e33e5628b2420ab06e9d5d29363d0984296f16f7a2287ad5f49190a450505050505050505050565b5f546001600160a01b0316331461062b5760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0381165f9081526002602052604090205460ff16600181600581111561065a5761065a611bfe565b1461067c578181604051633ae646c760e01b8152600401610514929190612027565b610688828260046116e7565b5050565b6001600160a01b0384165f908152600260205260408120546060919060049082906106c4908990610100900463ffffffff168961169b565b81526020019081526020015f2090505f6106e38280549050868661177c565b90508481116106f2575f6106fc565b6106fc8582612058565b6001600160401b038111156107135761071361206b565b60405190808252806020026020018201604052801561073c578160200160208202803683370190505b509250845b818110156107945782818154811061075b5761075b61207f565b905f5260205f2001548487836107719190612058565b815181106107815761078161207f565b6020908102919091010152600101610741565b505050949350505050565b6001600160a01b0382165f9081526002602052604081205460049082906107d3908690610100900463ffffffff168661169b565b815260208101919091526040015f205490505b92915050565b6001600160a01b0381165f908152600260205260408120546005908290610820908590610100900463ffffffff168861169b565b81526020019081526020015f205f8481526020019081526020015f20545f141590505b9392505050565b604080516080810182525f80825260208201526060918101829052818101919091526001600160a01b0382165f8181526002602090815260409182902082516080810190935292825282549082019060ff1660058111156108ad576108ad611bfe565b81526020018260010180546108c190612093565b80601f01602080910402602001604051908101604052809291908181526020018280546108ed90612093565b80156109385780601f1061090f57610100808354040283529160200191610938565b820191905f5260205f20905b81548152906001019060200180831161091b57829003601f168201915b5050505050815260200182600201805461095190612093565b80601f016020809104026020016040519081016040528092919081815260200182805461097d90612093565b80156109c85780601f1061099f576101008083540402835291602001916109c8565b820191905f5260205f20905b8154815290600101906020018083116109ab57829003601f168201915b5050505050815250915050919050565b604080517f823459f7507d2bb10167093ec3019782bc29666fbe9aebde6602e94350d0f0566020820152908101849052606081018390526001600160a01b03821660808201525f90819060a001604051602081830303815290604052805190602001209050610a45611430565b60405161190160f01b6020820152602281019190915260428101829052606201604051602081830303815290604052805190602001209150509392505050565b5f546001600160a01b03163314610ab15760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0381165f9081526002602052604090205460ff166001816005811115610ae057610ae0611bfe565b14610b02578181604051633ae646c760e01b8152600401610514929190612027565b610688828260026116e7565b5f6060805f5f5f60606040518060400160405280601081526020016f5265736f75726365526567697374727960801b815250604051806040016040528060018152602001603160f81b81525046305f5f1b5f6001600160401b03811115610b7757610b7761206b565b604051908082528060200260200182016040528015610ba0578160200160208202803683370190505b50600f60f81b9d959c50939a509198509650945092509050565b6001546001600160a01b03163314610be757604051633138854160e01b8152336004820152602401610514565b5f8054336001600160a01b0319808316821784556001805490911690556040516001600160a01b0390921692909183917f1d71623b930faba2cae6c6b89d58c2cfed18b689c6bc4da1b52d4465b2c1058e91a350565b5f546001600160a01b03163314610c695760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0381165f9081526002602081905260409091208054909160ff90911690816005811115610c9f57610c9f611bfe565b14158015610cbf57506003816005811115610cbc57610cbc611bfe565b14155b15610ce157828160405163062714e760e01b8152600401610514929190612027565b815463ffffffff61010080830482166001019091160264ffffffff0019909116178255610d10838260056116e7565b505050565b335f818152600260205260408120549091610d3b91610100900463ffffffff168561169b565b5f818152600560209081526040808320868452918290528220549293509190819003610d8a57604051636c0d57f160e11b81526004810186905260248101859052336044820152606401610514565b5f8381526004602052604090208054828114610e05575f82610dad600184612058565b81548110610dbd57610dbd61207f565b905f5260205f20015490508083600186610dd79190612058565b81548110610de757610de761207f565b5f918252602080832090910192909255918252859052604090208390555b81805480610e1557610e156120cb565b5f828152602080822083015f19908101839055909201909255878252859052604080822082905551339188918a917ff57797adf8f2ac29dd92e0a2a1d70b6663c9072893160da1a6bac4b48ea7d44691a450505050505050565b60605f610e82600380549050858561177c565b9050838111610e91575f610e9b565b610e9b8482612058565b6001600160401b03811115610eb257610eb261206b565b604051908082528060200260200182016040528015610f0557816020015b604080516080810182525f8082526020820152606091810182905281810191909152815260200190600190039081610ed05790505b509150835b81811015610f6f57610f4160038281548110610f2857610f2861207f565b5f918252602090912001546001600160a01b031661084a565b83610f4c8784612058565b81518110610f5c57610f5c61207f565b6020908102919091010152600101610f0a565b505092915050565b5f546001600160a01b03163314610fa35760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0381165f9081526002602052604090205460ff166003816005811115610fd257610fd2611bfe565b14610b0257818160405163dcd287fd60e01b8152600401610514929190612027565b5f546001600160a01b031633146110205760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0381165f9081526002602081905260409091205460ff169081600581111561105157611051611bfe565b1461107357818160405163bb3d3b3760e01b8152600401610514929190612027565b610688828260036116e7565b5f546001600160a01b031633146110ab5760405163113f22d960e11b8152336004820152602401610514565b600180546001600160a01b0319166001600160a01b03831690811790915560405133907f6875b12ba9595a9f3a2d99c2c4207bddeea7e868c88042f293fd7e7cd546fada905f90a350565b5f60026001600160a01b0383165f9081526002602052604090205460ff16600581111561112557611125611bfe565b14801561113857506111388484846107ec565b949350505050565b6060815f816001600160401b0381111561115c5761115c61206b565b604051908082528060200260200182016040528015611185578160200160208202803683370190505b5090505f826001600160401b038111156111a1576111a161206b565b6040519080825280602002602001820160405280156111ca578160200160208202803683370190505b5090505f5b838110156112c2575f60025f8989858181106111ed576111ed61207f565b90506020020160208101906112029190611b6d565b6001600160a01b0316815260208101919091526040015f2090506002815460ff16600581111561123457611234611bfe565b036112b957600183838151811061124d5761124d61207f565b9115156020928302919091019091015261129a8888848181106112725761127261207f565b90506020020160208101906112879190611b6d565b8254610100900463ffffffff168d61169b565b8483815181106112ac576112ac61207f565b6020026020010181815250505b506001016111cf565b50866001600160401b038111156112db576112db61206b565b604051908082528060200260200182016040528015611304578160200160208202803683370190505b5093505f5b8781101561140e575f8989838181106113245761132461207f565b9050602002013590505f5f90505b858110156114045783818151811061134c5761134c61207f565b60200260200101518015611399575060055f8683815181106113705761137061207f565b602002602001015181526020019081526020015f205f8381526020019081526020015f20545f14155b156113fc578888828181106113b0576113b061207f565b90506020020160208101906113c59190611b6d565b8784815181106113d7576113d761207f565b60200260200101906001600160a01b031690816001600160a01b031681525050611404565b600101611332565b5050600101611309565b5050505095945050505050565b61142a338585858560016117ba565b50505050565b5f7f000000000000000000000000000000000000000000000000000000000000000046146115305750604080518082018252601081526f5265736f75726365526567697374727960801b6020918201528151808301835260018152603160f81b9082015281517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f818301527f9c23c72709708ca5a370ac69be2dd8bcc289a13ee5892df389480f71986d9de0818401527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a0808301919091528351808303909101815260c0909101909252815191012090565b507f000000000000000000000000000000000000000000000000000000000000000090565b5f546001600160a01b031633146115815760405163113f22d960e11b8152336004820152602401610514565b6001600160a01b0385166115a85760405163d92e233d60e01b815260040160405180910390fd5b6115b7858585858560026117ba565b5050505050565b604084146115e157604051620d22a960e21b815260048101859052602401610514565b5f85856040516115f29291906120df565b604051809103902090508681146116265760405163679c1c7760e01b81526004810188905260248101829052604401610514565b5f61163c6116358a8a866109d8565b868661195d565b90506001600160a01b038116158061166057506001600160a01b0381811690831614155b1561169057604051630a16b9fd60e31b8152600481018990526001600160a01b0382166024820152604401610514565b505050505050505050565b604080516001600160a01b038516602082015263ffffffff841691810191909152606081018290525f906080016040516020818303038152906040528051906020012090509392505050565b6001600160a01b0383165f908152600260205260409020805482919060ff1916600183600581111561171b5761171b611bfe565b021790555080600581111561173257611732611bfe565b82600581111561174457611744611bfe565b6040516001600160a01b038616907f03da26f1ac1f9b640a6e4133254a94628b9c98e94eb17c65afb8cb1f47c6eb77905f90a4505050565b5f83831061178b575081610843565b5f6117968486612058565b90508083106117a557806117a7565b825b6117b190856120ee565b95945050505050565b838015806117c85750604081115b156117e957604051633da2f64b60e01b815260048101829052602401610514565b61020083111561180f57604051633c28b8cd60e21b815260048101849052602401610514565b6001600160a01b0387165f9081526002602052604081208054909160ff9091169081600581111561184257611842611bfe565b0361189657600380546001810182555f919091527fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b0180546001600160a01b0319166001600160a01b038b161790556118eb565b60048160058111156118aa576118aa611bfe565b141580156118ca575060058160058111156118c7576118c7611bfe565b14155b156118eb57888160405162e1df2960e01b8152600401610514929190612027565b600182016118fa888a83612145565b506002820161190a868883612145565b50886001600160a01b03167f4de9688ace06fc59920b217fef936c4e89c997dd7c48d478ed0227887076a3348989898960405161194a9493929190612226565b60405180910390a26116908982866116e7565b5f6041821461196d57505f610843565b5f61197b6020828587612257565b6119849161227e565b90505f611995604060208688612257565b61199e9161227e565b90505f858560408181106119b4576119b461207f565b919091013560f81c915050601b8110156119d6576119d3601b8261229b565b90505b8060ff16601b141580156119ee57508060ff16601c14155b80611a1857507f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a082115b15611a28575f9350505050610843565b604080515f81526020810180835289905260ff831691810191909152606081018490526080810183905260019060a0016020604051602081039080840390855afa158015611a78573d5f5f3e3d5ffd5b5050604051601f19015198975050505050505050565b5f5f83601f840112611a9e575f5ffd5b5081356001600160401b03811115611ab4575f5ffd5b602083019150836020828501011115611acb575f5ffd5b9250929050565b5f5f5f5f5f5f60808789031215611ae7575f5ffd5b863595506020870135945060408701356001600160401b03811115611b0a575f5ffd5b611b1689828a01611a8e565b90955093505060608701356001600160401b03811115611b34575f5ffd5b611b4089828a01611a8e565b979a9699509497509295939492505050565b80356001600160a01b0381168114611b68575f5ffd5b919050565b5f60208284031215611b7d575f5ffd5b61084382611b52565b5f5f5f5f60808587031215611b99575f5ffd5b611ba285611b52565b966020860135965060408601359560600135945092505050565b602080825282518282018190525f918401906040840190835b81811015611bf3578351835260209384019390920191600101611bd5565b509095945050505050565b634e487b7160e01b5f52602160045260245ffd5b60068110611c2e57634e487b7160e01b5f52602160045260245ffd5b9052565b602081016107e68284611c12565b5f5f60408385031215611c51575f5ffd5b611c5a83611b52565b946020939093013593505050565b5f5f5f60608486031215611c7a575f5ffd5b8335925060208401359150611c9160408501611b52565b90509250925092565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f6108436020830184611c9a565b80516001600160a01b031682526020808201515f91611cfb90850182611c12565b50604082015160806040850152611d156080850182611c9a565b9050606083015184820360608601526117b18282611c9a565b602081525f6108436020830184611cda565b60ff60f81b8816815260e060208201525f611d5e60e0830189611c9a565b8281036040840152611d708189611c9a565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b81811015611dc5578351835260209384019390920191600101611da7565b50909b9a5050505050505050505050565b5f5f60408385031215611de7575f5ffd5b50508035926020909101359150565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b82811015611e4d57603f19878603018452611e38858351611cda565b94506020938401939190910190600101611e1c565b50929695505050505050565b5f5f83601f840112611e69575f5ffd5b5081356001600160401b03811115611e7f575f5ffd5b6020830191508360208260051b8501011115611acb575f5ffd5b5f5f5f5f5f60608688031215611ead575f5ffd5b8535945060208601356001600160401b03811115611ec9575f5ffd5b611ed588828901611e59565b90955093505060408601356001600160401b03811115611ef3575f5ffd5b611eff88828901611e59565b969995985093965092949392505050565b602080825282518282018190525f918401906040840190835b81811015611bf35783516001600160a01b0316835260209384019390920191600101611f29565b5f5f5f5f60408587031215611f63575f5ffd5b84356001600160401b03811115611f78575f5ffd5b611f8487828801611a8e565b90955093505060208501356001600160401b03811115611fa2575f5ffd5b611fae87828801611a8e565b95989497509550505050565b5f5f5f5f5f60608688031215611fce575f5ffd5b611fd786611b52565b945060208601356001600160401b03811115611ff1575f5ffd5b611ffd88828901611a8e565b90955093505060408601356001600160401b0381111561201b575f5ffd5b611eff88828901611a8e565b6001600160a01b0383168152604081016108436020830184611c12565b634e487b7160e01b5f52601160045260245ffd5b818103818111156107e6576107e6612044565b634e487b7160e01b5f52604160045260245ffd5b634e487b7160e01b5f52603260045260245ffd5b600181811c908216806120a757607f821691505b6020821081036120c557634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52603160045260245ffd5b818382375f9101908152919050565b808201808211156107e6576107e6612044565b601f821115610d1057805f5260205f20601f840160051c810160208510156121265750805b601f840160051c820191505b818110156115b7575f8155600101612132565b6001600160401b0383111561215c5761215c61206b565b6121708361216a8354612093565b83612101565b5f601f8411600181146121a1575f851561218a5750838201355b5f19600387901b1c1916600186901b1783556115b7565b5f83815260208120601f198716915b828110156121d057868501358255602094850194600190920191016121b0565b50868210156121ec575f1960f88860031b161c19848701351681555b505060018560011b0183555050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b604081525f6122396040830186886121fe565b828103602084015261224c8185876121fe565b979650505050505050565b5f5f85851115612265575f5ffd5b83861115612271575f5ffd5b5050820193919092039150565b803560208310156107e6575f19602084900360031b1b1692915050565b60ff81811683821601908111156107e6576107e661204456fea164736f6c634300081c000a' as const

/** The solc version that produced {@link resourceRegistryAbi} and {@link resourceRegistryBytecode}. */
export const resourceRegistrySolcVersion = '0.8.28+commit.7893614a.Emscripten.clang' as const
