/**
 * JSON schemas of the HTTP API: requests are validated against them (400 on
 * a mismatch, extra fields included) and answers serialized by them.
 */

import { PROVIDER_STATUSES, REJECTION_CODES } from '@resource-discovery/core'

/** A kind name, as core's `defineResourceKind` allows. */
export const KIND_NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$'
/** A node id: 64 hex digits, `0x` allowed. */
export const NODE_ID_PATTERN = '^(0x|0X)?[0-9a-fA-F]{64}$'
/** An Ethereum address. */
export const ADDRESS_PATTERN = '^0x[0-9a-fA-F]{40}$'

/** How a validation message describes a value that does not match a pattern. */
export const PATTERN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [KIND_NAME_PATTERN]: 'a kind name (1 to 32 of a-z, 0-9 and "-", starting with a letter)',
  [NODE_ID_PATTERN]: 'a node id (64 hex digits)',
  [ADDRESS_PATTERN]: 'an Ethereum address (0x and 40 hex digits)'
}

const nullableString = { type: ['string', 'null'] } as const
const stringArray = { type: 'array', items: { type: 'string' } } as const

/** The body of every error answer. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message', 'statusCode'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    statusCode: { type: 'integer' },
    field: { type: 'string' }
  }
} as const

const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const

/** A server with the verdict on it (`VerdictView`). */
export const verdictSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    nodeId: { type: 'string' },
    peerId: { type: 'string' },
    multiaddrs: stringArray,
    enr: nullableString,
    seq: nullableString,
    origin: { type: 'string' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    trusted: { type: 'boolean' },
    provider: nullableString,
    reason: { type: 'string' },
    rejection: {
      type: ['object', 'null'],
      properties: {
        code: { type: 'string', enum: REJECTION_CODES },
        providers: {
          type: 'array',
          items: {
            type: 'object',
            properties: { address: { type: 'string' }, trusted: { type: 'boolean' }, status: { type: 'string', enum: [...PROVIDER_STATUSES, 'revoked'] } }
          }
        }
      }
    },
    verifier: { type: 'string' },
    latencyMs: { type: ['number', 'null'] },
    connectMs: { type: ['number', 'null'] },
    latencyAt: nullableString
  }
} as const

/** The registry and its index (`RegistryStatusView`). */
export const registryStatusSchema = {
  type: 'object',
  properties: {
    configured: { type: 'boolean' },
    address: nullableString,
    fresh: { type: 'boolean' },
    syncedBlock: { type: ['integer', 'null'] },
    lastSyncAt: nullableString,
    registrations: { type: 'integer' },
    deploymentBlock: { type: ['integer', 'null'] },
    loadedFrom: { type: ['string', 'null'], enum: ['state', 'snapshot', null] },
    endpoints: { type: 'integer' },
    quorum: { type: 'integer' }
  }
} as const

/** The trust settings (`TrustView`). */
export const trustSchema = {
  type: 'object',
  properties: {
    trustedProviders: stringArray,
    defaultProvider: nullableString,
    source: { type: 'string', enum: ['configuration', 'api'] },
    updatedAt: nullableString,
    registry: registryStatusSchema
  }
} as const

/** A custom server. */
export const customServerSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    address: { type: 'string' },
    nodeId: { type: 'string' },
    addedAt: { type: 'string' }
  }
} as const

const kindParams = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { type: 'string', pattern: KIND_NAME_PATTERN } }
} as const

/** `GET /v1/kinds` */
export const listKindsSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        kinds: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              kindId: { type: 'string' },
              topic: { type: 'string' },
              protocols: stringArray,
              description: { type: 'string' },
              counts: {
                type: 'object',
                properties: { discovered: { type: 'integer' }, verified: { type: 'integer' }, rejected: { type: 'integer' } }
              },
              selector: { type: 'string' },
              selected: nullableString,
              sources: {
                type: 'array',
                items: { type: 'object', properties: { name: { type: 'string' }, description: nullableString } }
              }
            }
          }
        }
      }
    },
    ...errorResponses
  }
} as const

/** `GET /v1/kinds/:kind/resources` */
export const listResourcesSchema = {
  params: kindParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { status: { type: 'string', enum: ['verified', 'rejected', 'all'], default: 'verified' } }
  },
  response: {
    200: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        status: { type: 'string' },
        resources: { type: 'array', items: verdictSchema }
      }
    },
    ...errorResponses
  }
} as const

/** `GET /v1/kinds/:kind/selection`; its 200 body is serialized ahead of time, this schema documents it. */
export const selectionSchema = {
  params: kindParams,
  response: {
    200: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        selected: verdictSchema,
        reason: { type: 'string' },
        since: { type: 'string' }
      }
    },
    ...errorResponses
  }
} as const

/** `GET /v1/trust` */
export const getTrustSchema = {
  response: { 200: trustSchema, ...errorResponses }
} as const

/** `PUT /v1/trust` */
export const putTrustSchema = {
  body: {
    type: 'object',
    required: ['trustedProviders'],
    additionalProperties: false,
    properties: {
      trustedProviders: { type: 'array', maxItems: 64, items: { type: 'string', pattern: ADDRESS_PATTERN } }
    }
  },
  response: { 200: trustSchema, ...errorResponses }
} as const

/** `GET /v1/providers` */
export const listProvidersSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        registry: registryStatusSchema,
        curator: nullableString,
        blockNumber: { type: ['integer', 'null'] },
        providers: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              address: { type: 'string' },
              name: { type: 'string' },
              metadataUri: { type: 'string' },
              status: { type: 'string', enum: ['pending', 'approved', 'suspended', 'rejected', 'removed'] },
              trusted: { type: 'boolean' },
              isDefault: { type: 'boolean' },
              resources: { type: 'object', additionalProperties: { type: 'integer' } }
            }
          }
        }
      }
    },
    ...errorResponses
  }
} as const

/** `GET /v1/custom-servers` */
export const listCustomServersSchema = {
  response: {
    200: { type: 'object', properties: { customServers: { type: 'array', items: customServerSchema } } },
    ...errorResponses
  }
} as const

/** `POST /v1/custom-servers` */
export const addCustomServerSchema = {
  body: {
    type: 'object',
    required: ['kind', 'address'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', minLength: 1, maxLength: 64 },
      address: { type: 'string', minLength: 1, maxLength: 1024 }
    }
  },
  response: { 200: customServerSchema, 201: customServerSchema, ...errorResponses }
} as const

/** `DELETE /v1/custom-servers/:nodeId` */
export const removeCustomServerSchema = {
  params: {
    type: 'object',
    required: ['nodeId'],
    additionalProperties: false,
    properties: { nodeId: { type: 'string', pattern: NODE_ID_PATTERN } }
  },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { kind: { type: 'string', pattern: KIND_NAME_PATTERN } }
  },
  response: { 204: { type: 'null' }, ...errorResponses }
} as const

const healthBodySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    uptimeMs: { type: 'integer' },
    problems: stringArray,
    kinds: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, verified: { type: 'integer' }, selected: nullableString }
      }
    },
    registry: registryStatusSchema
  }
} as const

/** `GET /healthz`: 200 when healthy, 503 (same body) when degraded. */
export const healthSchema = {
  response: { 200: healthBodySchema, 503: healthBodySchema }
} as const
