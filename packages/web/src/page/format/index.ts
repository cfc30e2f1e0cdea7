export { formatDateTime, formatLatency, formatRelative, isWebLink, plural, sameAddress, shortAddress, shortHex } from './format.js'
