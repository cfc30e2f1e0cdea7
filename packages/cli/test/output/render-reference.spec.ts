import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import { COMMANDS } from '../../src/commands/command-table.js'
import { GLOBAL_OPTIONS, OPTIONS, optionSpec, type OptionName } from '../../src/config/options.js'
import { renderCommandHelp } from '../../src/output/render-help.js'
import { renderReference, replaceReference } from '../../src/output/render-reference.js'

describe('renderReference', () => {
  it('behavior: the README\'s reference is the one generated from the tables (run `npm run readme -w @resource-discovery/cli` after a change)', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    expect(replaceReference(readme, renderReference(COMMANDS)) === readme, 'packages/cli/README.md is stale').to.equal(true)
  })

  it('behavior: it documents every command and every option with its environment variable and config key', () => {
    const reference = renderReference(COMMANDS)
    for (const command of COMMANDS) {
      expect(reference).to.contain(`### \`rdisc ${command.name}\``)
    }
    for (const option of OPTIONS) {
      expect(reference).to.match(new RegExp(`\`(-\\w, )?${option.flag}[ \`]`))
      if ('env' in option) {
        expect(reference).to.contain(`\`${option.env}\``)
      }
      if ('configKey' in option) {
        expect(reference).to.contain(`\`${option.configKey}\``)
      }
    }
  })

  it('error: replacing fails on a README without the markers', () => {
    expect(() => replaceReference('# no markers', 'x')).to.throw('no rdisc-reference markers')
  })
})

describe('renderCommandHelp', () => {
  it('behavior: each command\'s help lists its options and the global ones, with environment variables and defaults', () => {
    for (const command of COMMANDS) {
      const help = renderCommandHelp(command)
      expect(help).to.match(new RegExp(`^Usage: rdisc ${command.name}`))
      for (const name of [...command.options, ...GLOBAL_OPTIONS]) {
        const spec = optionSpec(name)
        expect(help, `${command.name} --help`).to.contain(spec.flag)
        if (spec.env !== undefined) {
          expect(help.replace(/\s+/g, ' '), `${command.name} --help`).to.contain(`env ${spec.env}`)
        }
      }
    }
    expect(renderCommandHelp(COMMANDS.find((command) => command.name === 'find')!).replace(/\s+/g, ' ')).to.contain('default 5s')
  })

  it('behavior: options that share an environment variable or config key are one setting (one flag, never both in a command), and every flag is one flag', () => {
    // --rpc-url is one URL for the registry's transactions (rpcUrl) and a list for clients (rpcUrls)
    const byEnv = new Map<string, string[]>()
    const byKey = new Map<string, string[]>()
    for (const option of OPTIONS) {
      if ('env' in option) byEnv.set(option.env, [...byEnv.get(option.env) ?? [], option.name])
      if ('configKey' in option) byKey.set(option.configKey, [...byKey.get(option.configKey) ?? [], option.name])
    }
    const shared = [...byEnv.values(), ...byKey.values()].filter((names) => names.length > 1)
    expect(shared.map((names) => names.join('+'))).to.deep.equal(['rpcUrl+rpcUrls', 'rpcUrl+rpcUrls'])
    for (const names of shared) {
      expect(new Set(names.map((name) => optionSpec(name as OptionName).flag)).size, `${names.join(', ')} share one flag`).to.equal(1)
      for (const command of COMMANDS) {
        expect(names.filter((name) => command.options.includes(name as OptionName)).length, `${command.name} takes ${names.join(' and ')}`).to.be.at.most(1)
      }
    }
    for (const command of COMMANDS) {
      const flags = [...command.options, ...GLOBAL_OPTIONS].map((name) => optionSpec(name).flag)
      expect(new Set(flags).size, `${command.name} takes a flag twice`).to.equal(flags.length)
    }
  })

})
