import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { wrapText } from '../output/render-help.js'

/** The `Kinds:` section of `rdisc serve --help`: each kind a plugin can serve, with its description and `--option`s. */
export async function serveHelpDetails (plugins: readonly string[], cwd: string): Promise<string> {
  const catalog = await loadPluginCatalog(plugins, cwd, { servers: true })
  const services = catalog.servicePlugins()
  const width = Math.max(...services.map((service) => service.kind.name.length))
  const lines = ['Kinds (load more with --plugin):']
  for (const service of services) {
    lines.push(`  ${service.kind.name.padEnd(width)}  ${service.description}`)
    for (const option of service.options) {
      const text = `${option.description}${option.default === undefined ? '' : ` [default ${option.default}]`}`
      const flag = `--option ${option.name}=VALUE`
      lines.push(`      ${flag}`, ...wrapText(text, 84).map((line) => `          ${line}`))
    }
  }
  return lines.join('\n')
}
