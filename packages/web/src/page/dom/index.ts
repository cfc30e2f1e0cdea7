export { append, byId, h, type Attributes, type Child } from './h.js'
export { replaceContent } from './replace-content.js'
