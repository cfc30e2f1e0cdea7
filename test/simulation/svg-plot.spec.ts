/**
 * The discovery benchmark's picture (bench/discovery/svg-plot.ts): a
 * well-formed standalone SVG (checked by a small strict parser below: no XML
 * parser is a dependency), log axes, one line per series, error bars, NaN
 * points left out, lower bounds drawn apart, text escaped.
 */
import { expect } from 'chai'
import { DEFAULT_LOWER_BOUND_LABEL, renderLinePlot, type LinePlotSpec, type PlotSeries } from '../../bench/discovery/svg-plot.js'

interface Element {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: Element[]
  /** The element's own text, entities decoded. */
  text: string
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'' }

/** Entity references decoded; throws on a bare '&' or an unknown entity. */
function decode (text: string): string {
  return text.replace(/&([^;]*);?/g, (reference: string, body: string) => {
    if (!reference.endsWith(';')) {
      throw new Error(`bare & in ${JSON.stringify(text)}`)
    }
    const numeric = /^#(\d+)$/.exec(body)
    const decoded = numeric !== null ? String.fromCodePoint(Number(numeric[1])) : ENTITIES[body]
    if (decoded === undefined) {
      throw new Error(`unknown entity &${body};`)
    }
    return decoded
  })
}

/**
 * A strict parser for the XML this renderer writes: elements with
 * double-quoted attributes, text and entity references (no comments, CDATA
 * or processing instructions). Throws on unbalanced or misnested tags, a
 * duplicate or unquoted attribute, a bare '&' or '>' in text, or more than one
 * root.
 */
function parseXml (xml: string): Element {
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' }
  const stack: Element[] = [root]
  for (const [token] of xml.matchAll(/<[^<>]*>|[^<]+|</g)) {
    const parent = stack.at(-1) ?? root
    if (!token.startsWith('<')) {
      if (token.includes('>')) {
        throw new Error(`unescaped > in text ${JSON.stringify(token)}`)
      }
      if (parent === root && token.trim() !== '') {
        throw new Error(`text outside the root: ${JSON.stringify(token)}`)
      }
      parent.text += decode(token)
      continue
    }
    const closing = /^<\/([A-Za-z][\w:.-]*)\s*>$/.exec(token)
    if (closing !== null) {
      if (stack.length === 1 || parent.name !== closing[1]) {
        throw new Error(`</${closing[1]}> closes <${parent.name}>`)
      }
      stack.pop()
      continue
    }
    const opening = /^<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(\/?)>$/.exec(token)
    if (opening === null) {
      throw new Error(`malformed tag ${token}`)
    }
    const attributes: Record<string, string> = {}
    for (const [, name = '', value = ''] of (opening[2] ?? '').matchAll(/([A-Za-z][\w:.-]*)="([^"]*)"/g)) {
      if (name in attributes) {
        throw new Error(`duplicate attribute ${name} in ${token}`)
      }
      attributes[name] = decode(value)
    }
    const element: Element = { name: opening[1] ?? '', attributes, children: [], text: '' }
    if (parent === root && root.children.length > 0) {
      throw new Error('more than one root element')
    }
    parent.children.push(element)
    if (opening[3] !== '/') {
      stack.push(element)
    }
  }
  if (stack.length !== 1) {
    throw new Error(`<${stack.at(-1)?.name ?? ''}> is not closed`)
  }
  const [svg] = root.children
  if (svg === undefined) {
    throw new Error('no root element')
  }
  return svg
}

/** `element` and every element below it, in document order. */
function descendants (element: Element): Element[] {
  return [element, ...element.children.flatMap(descendants)]
}

const withClass = (element: Element, name: string): Element[] =>
  descendants(element).filter((node) => (node.attributes.class ?? '').split(' ').includes(name))

/** All the text of the document, in order. */
const texts = (element: Element): string[] => descendants(element).map((node) => node.text).filter((text) => text !== '')

const spec = (series: readonly PlotSeries[], extra: Partial<LinePlotSpec> = {}): LinePlotSpec => ({
  title: 'Messages to all servers against N',
  xLabel: 'N (nodes)',
  yLabel: 'messages (median)',
  intervalLabel: '95% interval of the median',
  series,
  ...extra
})

const THREE: readonly PlotSeries[] = [
  { name: 'topic ads', points: [{ x: 1_000, y: 11, low: 8, high: 15 }, { x: 10_000, y: 22, low: 17, high: 30 }, { x: 25_000, y: 27, low: 20, high: 35 }] },
  { name: 'capability walk', points: [{ x: 1_000, y: 608, low: 300, high: 900 }, { x: 10_000, y: Number.NaN, low: 1, high: 2 }, { x: 25_000, y: 9_000, low: 7_000, high: 12_000 }] },
  { name: 'kad-dht', points: [{ x: 1_000, y: 225 }, { x: 10_000, y: 330 }, { x: 25_000, y: 380 }] }
]

/** The centre of a marker: a circle's (cx, cy), else the middle of its path's or rect's box. */
function centre (marker: Element): { x: number, y: number } {
  if (marker.name === 'circle') {
    return { x: Number(marker.attributes.cx), y: Number(marker.attributes.cy) }
  }
  const numbers = (marker.attributes.d ?? '').match(/-?\d+(\.\d+)?/g)?.map(Number) ?? []
  const xs = numbers.filter((_, at) => at % 2 === 0)
  const ys = numbers.filter((_, at) => at % 2 === 1)
  return { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 }
}

describe('svg-plot: the strict XML check of this spec', () => {
  it('behavior: rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).to.throw(/closes/)
    expect(() => parseXml('<svg><g></g>')).to.throw(/not closed/)
    expect(() => parseXml('<svg>a & b</svg>')).to.throw(/bare &/)
    expect(() => parseXml('<svg>a < b</svg>')).to.throw(/malformed/)
    expect(() => parseXml('<svg x=1/>')).to.throw(/malformed/)
    expect(() => parseXml('<svg x="1" x="2"/>')).to.throw(/duplicate/)
    expect(() => parseXml('<svg/><svg/>')).to.throw(/more than one root/)
    expect(parseXml('<svg a="&#60;"><text>x &amp; y</text></svg>').children[0]?.text).to.equal('x & y')
  })
})

describe('svg-plot: renderLinePlot', () => {
  it('behavior: a well-formed standalone SVG of 800 x 500, every coordinate inside it, the title as text', () => {
    const svg = parseXml(renderLinePlot(spec(THREE)))
    expect(svg.name).to.equal('svg')
    expect(svg.attributes).to.include({ xmlns: 'http://www.w3.org/2000/svg', width: '800', height: '500', viewBox: '0 0 800 500' })
    for (const node of descendants(svg)) {
      for (const name of ['x', 'x1', 'x2', 'cx']) {
        if (node.attributes[name] !== undefined) {
          expect(Number(node.attributes[name]), `${node.name} ${name}`).to.be.within(0, 800)
        }
      }
      for (const name of ['y', 'y1', 'y2', 'cy']) {
        if (node.attributes[name] !== undefined) {
          expect(Number(node.attributes[name]), `${node.name} ${name}`).to.be.within(0, 500)
        }
      }
    }
    const words = texts(svg)
    expect(words).to.include.members(['Messages to all servers against N', 'N (nodes)', 'messages (median)', 'topic ads', 'capability walk', 'kad-dht'])
    // tick labels: the decades of the y axis, 1,000 and 10,000 of the x axis
    expect(words).to.include.members(['1', '10', '100', '1,000', '10,000', '100,000'])
  })

  it('behavior: one line per series, a marker per point, a NaN point left out of both', () => {
    const svg = parseXml(renderLinePlot(spec(THREE)))
    const groups = withClass(svg, 'series')
    expect(groups).to.have.length(3)
    expect(withClass(svg, 'series-line')).to.have.length(3)
    expect(groups.map((group) => withClass(group, 'marker').length)).to.deep.equal([3, 2, 3])
    const walk = withClass(groups[1] as Element, 'series-line')[0]
    expect(walk?.attributes.d?.match(/[ML]/g)).to.deep.equal(['M', 'L'])
  })

  it('behavior: an error bar per point that has one, from low to high, with caps; none for the NaN point', () => {
    const svg = parseXml(renderLinePlot(spec(THREE)))
    const groups = withClass(svg, 'series')
    expect(groups.map((group) => withClass(group, 'error-bar').length)).to.deep.equal([3, 2, 0])
    expect(groups.map((group) => withClass(group, 'error-bar-cap').length)).to.deep.equal([6, 4, 0])
    // the bar spans the marker: high above it (smaller y), low below
    const [bar] = withClass(groups[0] as Element, 'error-bar')
    const [marker] = withClass(groups[0] as Element, 'marker')
    const y = centre(marker as Element).y
    expect(Number(bar?.attributes.y1)).to.be.below(y)
    expect(Number(bar?.attributes.y2)).to.be.above(y)
    expect(texts(svg)).to.include('bars: 95% interval of the median')
  })

  it('behavior: both axes are logarithmic: equal ratios, equal distances', () => {
    const svg = parseXml(renderLinePlot(spec([{ name: 'powers', points: [{ x: 1_000, y: 1 }, { x: 5_000, y: 100 }, { x: 25_000, y: 10_000 }] }])))
    const [a, b, c] = withClass(svg, 'marker').map(centre)
    expect(b!.x - a!.x).to.be.closeTo(c!.x - b!.x, 0.2)
    expect(a!.y - b!.y).to.be.closeTo(b!.y - c!.y, 0.2)
    expect(b!.x - a!.x).to.be.above(50)
    expect(a!.y - b!.y).to.be.above(50)
  })

  it('behavior: data outside the default ranges widens the axes', () => {
    const svg = parseXml(renderLinePlot(spec([{ name: 'big', points: [{ x: 40_000, y: 300_000 }] }])))
    expect(texts(svg)).to.include.members(['1,000,000', '50,000'])
  })

  it('behavior: a lower bound is hollow with an upward arrow, and the legend says what it means', () => {
    const series: PlotSeries[] = [{ name: 'walk', points: [{ x: 1_000, y: 608, lowerBound: true }, { x: 10_000, y: 2_000 }] }]
    const svg = parseXml(renderLinePlot(spec(series)))
    const [bound, ...rest] = withClass(svg, 'lower-bound')
    expect(rest).to.have.length(0)
    expect(bound?.attributes.fill).to.equal('white')
    const filled = withClass(svg, 'marker').filter((node) => !withClass(node, 'lower-bound').includes(node))
    expect(filled).to.have.length(1)
    expect(filled[0]?.attributes.fill).to.not.equal('white')
    // one arrow on the point, one in the legend, the point's starting just above its marker
    const arrows = withClass(svg, 'lower-bound-arrow')
    expect(arrows).to.have.length(2)
    const start = (arrows[0]?.attributes.d ?? '').match(/^M([\d.]+),([\d.]+) L([\d.]+),([\d.]+)/)?.slice(1).map(Number) ?? []
    const point = centre(bound as Element)
    expect(start[0]).to.be.closeTo(point.x, 0.1)
    expect(start[1]).to.be.below(point.y)
    expect(start[3]).to.be.below(start[1] ?? 0)
    expect(texts(svg).join(' ')).to.include('lower bound: stopped before')
    // without a lower bound: no arrow, no legend entry
    const plain = parseXml(renderLinePlot(spec([{ name: 'walk', points: [{ x: 1_000, y: 608 }] }])))
    expect(withClass(plain, 'lower-bound-arrow')).to.have.length(0)
    expect(texts(plain).join(' ')).to.not.include(DEFAULT_LOWER_BOUND_LABEL.slice(0, 20))
  })

  it('behavior: an interval open above (NaN high) is dashed to the top edge, with a cap at its low end only', () => {
    const svg = parseXml(renderLinePlot(spec([{ name: 'ads', points: [{ x: 1_000, y: 20, low: 10, high: Number.NaN }] }])))
    const [bar] = withClass(svg, 'error-bar')
    expect(bar?.attributes['stroke-dasharray']).to.be.a('string')
    const frame = descendants(svg).find((node) => node.name === 'rect' && node.attributes.fill === 'none')
    expect(Number(bar?.attributes.y1)).to.equal(Number(frame?.attributes.y))
    expect(withClass(svg, 'error-bar-cap')).to.have.length(1)
    expect(texts(svg).join(' ')).to.include('open above')
  })

  it('behavior: names and labels are escaped, and read back as given', () => {
    const name = 'ads <&> "walk" \'x\''
    const xml = renderLinePlot(spec([{ name, points: [{ x: 1_000, y: 10 }] }], { title: 'a < b & c', notes: ['<script>&'] }))
    expect(xml).to.not.include('<&>')
    expect(xml).to.not.include('<script>')
    const words = texts(parseXml(xml))
    expect(words).to.include.members(['a < b & c', '<script>&'])
    expect(words.join(' ')).to.include('ads <&> "walk"')
  })

  it('args: a range a log axis cannot draw is a RangeError', () => {
    expect(() => renderLinePlot(spec(THREE, { yRange: [0, 100] }))).to.throw(RangeError, /yRange/)
    expect(() => renderLinePlot(spec(THREE, { xRange: [5_000, 1_000] }))).to.throw(RangeError, /xRange/)
    expect(() => renderLinePlot(spec(THREE, { yRange: [1, 1_000] }))).to.not.throw()
  })

  it('behavior: the same spec gives the same bytes', () => {
    expect(renderLinePlot(spec(THREE))).to.equal(renderLinePlot(spec(THREE)))
  })
})
