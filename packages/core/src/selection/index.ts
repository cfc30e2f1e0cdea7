export { RandomSelector } from './random-selector.js'
export { RandomSource, cryptoRandomSource } from './random-source.js'
export { KindSelector, Selector, type SelectionContext } from './selector.js'
export { Selectors } from './selectors.js'
