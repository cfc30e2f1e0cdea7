export { Logger, silentLogger } from './logger.js'
