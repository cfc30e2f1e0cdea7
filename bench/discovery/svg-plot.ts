/**
 * A log-log line plot as a standalone SVG, for the discovery benchmark's
 * picture (messages against N, one line per strategy, with intervals).
 * Hand-written SVG with no dependency, in the manner of
 * scripts/render-soak-svg.ts; the same spec gives the same bytes.
 */
import { formatNumber } from './stats.js'

/** One measured point of a series. */
export interface PlotPoint {
  /** Position on the x axis (N); a point whose x or y is NaN or not positive-finite on x is left out. */
  readonly x: number
  /** The value (a median); NaN leaves the point out. A y at or below 0 sits on the bottom edge, where a log axis ends. */
  readonly y: number
  /** Bottom of the error bar (an interval's lower end); omitted or NaN: no bar below the point. */
  readonly low?: number
  /** Top of the error bar; omitted: no bar above the point; NaN or Infinity: the interval is open above (not reached), and the bar runs dashed to the top edge. */
  readonly high?: number
  /** The true value is above `y` (the strategy stopped before finding all servers): drawn hollow, with an upward arrow. */
  readonly lowerBound?: boolean
}

/** One line of the plot. */
export interface PlotSeries {
  readonly name: string
  readonly points: readonly PlotPoint[]
  /** Draw the line dashed (e.g. a "before" variant beside its "after"). */
  readonly dashed?: boolean
}

/** What {@link renderLinePlot} draws. */
export interface LinePlotSpec {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: readonly PlotSeries[]
  /** What the error bars are, for the legend (e.g. "95% interval of the median"). */
  readonly intervalLabel: string
  /** The legend's words for a lower-bound point; default {@link DEFAULT_LOWER_BOUND_LABEL}. */
  readonly lowerBoundLabel?: string
  /** The x axis' range before data outside it widens it; default 1,000..25,000. */
  readonly xRange?: readonly [number, number]
  /** The y axis' range before data outside it widens it; default 1..100,000. */
  readonly yRange?: readonly [number, number]
  /** Labelled x ticks (e.g. the measured N); default 1, 2 and 5 times each power of ten inside the range. */
  readonly xTicks?: readonly number[]
  /** Caption lines under the x axis' title (the command, the deployment, the runs per point). */
  readonly notes?: readonly string[]
}

/** The legend's default words for a lower-bound point. */
export const DEFAULT_LOWER_BOUND_LABEL = 'lower bound: stopped before finding all servers (true value above)'

/** The legend's words for a dashed bar with no top cap. */
const OPEN_ABOVE_LABEL = 'dashed bar: interval open above (its upper end not reached)'

const WIDTH = 800
const HEIGHT = 500
const LEGEND_WIDTH = 210
const NOTE_LINE_HEIGHT = 14
const MARGIN = { left: 72, right: LEGEND_WIDTH + 16, top: 44, bottom: 56 }
/** Okabe and Ito's colour-blind-safe palette, less its yellow (too pale on white). */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']
const SHAPES = ['circle', 'square', 'diamond', 'triangle'] as const
type Shape = typeof SHAPES[number]
const MARKER_RADIUS = 4.5
const ARROW_LENGTH = 16
const CAP_HALF_WIDTH = 4
/** Pixels between the plot's frame and its first and last x, so that markers and bars stay inside. */
const X_INSET_PX = 16
/** Pixels between the bars of neighbouring series at one x, so that they do not hide each other. */
const DODGE_PX = 5
/** Characters per legend line (11 px sans-serif in the legend's width). */
const LEGEND_CHARS = 32

/** Text or an attribute value, safe inside SVG. */
function escapeXml (text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

const px = (value: number): string => value.toFixed(1)

/** `value` rounded out to one of `multiples` (with 10) times a power of ten: down when `down`, else up. */
function roundOut (value: number, down: boolean, multiples: readonly number[]): number {
  const power = 10 ** Math.floor(Math.log10(value))
  const steps = [...multiples, 10].map((step) => step * power)
  return down ? Math.max(...steps.filter((step) => step <= value * (1 + 1e-9))) : Math.min(...steps.filter((step) => step >= value * (1 - 1e-9)))
}

/** The range, widened to hold every positive finite value given, out to the next of `multiples` times a power of ten. */
function widen (range: readonly [number, number], values: readonly number[], multiples: readonly number[]): [number, number] {
  const shown = values.filter((value) => Number.isFinite(value) && value > 0)
  const below = shown.filter((value) => value < range[0]).map((value) => roundOut(value, true, multiples))
  const above = shown.filter((value) => value > range[1]).map((value) => roundOut(value, false, multiples))
  return [Math.min(range[0], ...below), Math.max(range[1], ...above)]
}

/** 1, 2 and 5 times each power of ten in [from, to]. */
function oneTwoFive (from: number, to: number): number[] {
  const ticks: number[] = []
  for (let power = Math.floor(Math.log10(from)); 10 ** power <= to; power++) {
    for (const step of [1, 2, 5]) {
      const tick = step * 10 ** power
      if (tick >= from * (1 - 1e-9) && tick <= to * (1 + 1e-9)) {
        ticks.push(tick)
      }
    }
  }
  return ticks
}

const tickLabel = (value: number): string => (value >= 1 ? formatNumber(value) : String(Number(value.toPrecision(3))))

/** Words wrapped to lines of at most `width` characters (a longer word stands alone). */
function wrap (text: string, width: number): string[] {
  const lines: string[] = []
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    const last = lines.at(-1)
    if (last !== undefined && last.length + 1 + word.length <= width) {
      lines[lines.length - 1] = `${last} ${word}`
    } else {
      lines.push(word)
    }
  }
  return lines
}

/** A marker of `shape` centred on (x, y): filled, or hollow (white inside). */
function marker (shape: Shape, x: number, y: number, color: string, hollow: boolean, className: string): string {
  const r = MARKER_RADIUS
  const paint = `fill="${hollow ? 'white' : color}" stroke="${color}" stroke-width="1.5" class="${className}"`
  switch (shape) {
    case 'circle':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${r}" ${paint}/>`
    case 'square':
      return `<rect x="${px(x - r * 0.9)}" y="${px(y - r * 0.9)}" width="${px(r * 1.8)}" height="${px(r * 1.8)}" ${paint}/>`
    case 'diamond':
      return `<path d="M${px(x)},${px(y - r * 1.2)} L${px(x + r * 1.2)},${px(y)} L${px(x)},${px(y + r * 1.2)} L${px(x - r * 1.2)},${px(y)} Z" ${paint}/>`
    case 'triangle':
      return `<path d="M${px(x)},${px(y + r * 1.2)} L${px(x + r * 1.2)},${px(y - r * 0.9)} L${px(x - r * 1.2)},${px(y - r * 0.9)} Z" ${paint}/>`
  }
}

/** An upward arrow from just above (x, y): the true value lies higher. */
function upArrow (x: number, y: number, color: string): string {
  const base = y - MARKER_RADIUS - 1
  const tip = base - ARROW_LENGTH
  return `<path d="M${px(x)},${px(base)} L${px(x)},${px(tip)} M${px(x - 3.5)},${px(tip + 5)} L${px(x)},${px(tip)} L${px(x + 3.5)},${px(tip + 5)}" fill="none" stroke="${color}" stroke-width="1.5" class="lower-bound-arrow"/>`
}

/**
 * The plot as a standalone SVG document (800 x 500): log x and log y axes
 * (by default N 1,000..25,000 and 1..100,000, widened to the data), one line
 * per series with a marker per point (a shape and colour per series) and a
 * vertical error bar from `low` to `high`, a legend that names the series,
 * what the bars are and, if any point has one, what an interval open above
 * and a lower bound look like (dashed bar; hollow marker, upward arrow), axis titles, tick labels, the title and the
 * notes. Points with a NaN x or y are left out. Elements carry classes
 * (`series-line`, `marker`, `lower-bound`, `lower-bound-arrow`, `error-bar`)
 * for tests and styling.
 *
 * @throws RangeError if `xRange` or `yRange` is not 0 < low < high (a log axis has no 0).
 */
export function renderLinePlot (spec: LinePlotSpec): string {
  for (const [axis, range] of [['xRange', spec.xRange], ['yRange', spec.yRange]] as const) {
    if (range !== undefined && !(range[0] > 0 && range[1] > range[0] && Number.isFinite(range[1]))) {
      throw new RangeError(`${axis} of a log axis needs 0 < low < high, got ${range[0]}..${range[1]}`)
    }
  }
  const notes = spec.notes ?? []
  const series = spec.series.map((line) => ({
    ...line,
    points: line.points.filter((point) => Number.isFinite(point.x) && point.x > 0 && !Number.isNaN(point.y)).sort((a, b) => a.x - b.x)
  }))
  const points = series.flatMap((line) => line.points)
  const [xMin, xMax] = widen(spec.xRange ?? [1_000, 25_000], points.map((point) => point.x), [1, 2, 5])
  const [yMin, yMax] = widen(spec.yRange ?? [1, 100_000], points.flatMap((point) => [point.y, point.low ?? Number.NaN, point.high ?? Number.NaN]), [1])
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotBottom = HEIGHT - MARGIN.bottom - notes.length * NOTE_LINE_HEIGHT
  const plotHeight = plotBottom - MARGIN.top
  const plotRight = MARGIN.left + plotWidth
  const sx = (x: number): number => MARGIN.left + X_INSET_PX + (Math.log10(x / xMin) / Math.log10(xMax / xMin)) * (plotWidth - 2 * X_INSET_PX)
  // values at or below 0 (and below the range) sit on the bottom edge, values past the top on the top edge
  const sy = (y: number): number => y <= yMin ? plotBottom : y >= yMax ? MARGIN.top : plotBottom - (Math.log10(y / yMin) / Math.log10(yMax / yMin)) * plotHeight

  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11" role="img">`)
  parts.push(`<title>${escapeXml(spec.title)}</title>`)
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`)
  parts.push(`<text x="${MARGIN.left}" y="24" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`)

  // y grid: a labelled line per power of ten, faint lines at 2 and 5 times it
  for (let power = Math.ceil(Math.log10(yMin) - 1e-9); 10 ** power <= yMax * (1 + 1e-9); power++) {
    const decade = 10 ** power
    parts.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${px(sy(decade))}" y2="${px(sy(decade))}" stroke="#d9d9d9"/>`)
    parts.push(`<text x="${MARGIN.left - 6}" y="${px(sy(decade) + 4)}" text-anchor="end">${tickLabel(decade)}</text>`)
    for (const step of [2, 5]) {
      const minor = step * decade
      if (minor < yMax) {
        parts.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${px(sy(minor))}" y2="${px(sy(minor))}" stroke="#f0f0f0"/>`)
      }
    }
  }
  for (const tick of spec.xTicks ?? oneTwoFive(xMin, xMax)) {
    if (tick >= xMin && tick <= xMax) {
      parts.push(`<line x1="${px(sx(tick))}" x2="${px(sx(tick))}" y1="${MARGIN.top}" y2="${plotBottom}" stroke="#e5e5e5"/>`)
      parts.push(`<text x="${px(sx(tick))}" y="${plotBottom + 16}" text-anchor="middle">${tickLabel(tick)}</text>`)
    }
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`)
  parts.push(`<text x="${px(MARGIN.left + plotWidth / 2)}" y="${plotBottom + 36}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`)
  parts.push(`<text transform="translate(16 ${px(MARGIN.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`)
  notes.forEach((note, index) => {
    parts.push(`<text x="${MARGIN.left}" y="${plotBottom + 56 + index * NOTE_LINE_HEIGHT}" fill="#555" font-size="10">${escapeXml(note)}</text>`)
  })

  const legendX = plotRight + 16
  let legendY = MARGIN.top + 8
  const legendText = (text: string): void => {
    for (const line of wrap(text, LEGEND_CHARS)) {
      parts.push(`<text x="${legendX + 30}" y="${px(legendY + 4)}">${escapeXml(line)}</text>`)
      legendY += 14
    }
    legendY += 4
  }
  series.forEach((line, index) => {
    const color = COLORS[index % COLORS.length] ?? '#000000'
    const shape = SHAPES[index % SHAPES.length] ?? 'circle'
    const dash = line.dashed === true ? ' stroke-dasharray="6 3"' : ''
    const offset = (index - (series.length - 1) / 2) * DODGE_PX
    parts.push(`<g class="series">`)
    if (line.points.length > 0) {
      const d = line.points.map((point, at) => `${at === 0 ? 'M' : 'L'}${px(sx(point.x) + offset)},${px(sy(point.y))}`).join(' ')
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${dash} class="series-line"/>`)
    }
    for (const point of line.points) {
      const x = sx(point.x) + offset
      const y = sy(point.y)
      const openAbove = point.high !== undefined && !Number.isFinite(point.high)
      if (point.high !== undefined || (point.low !== undefined && !Number.isNaN(point.low))) {
        const top = point.high === undefined ? y : openAbove ? MARGIN.top : Math.min(y, sy(point.high))
        const bottom = point.low === undefined || Number.isNaN(point.low) ? y : Math.max(y, sy(point.low))
        parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${px(top)}" y2="${px(bottom)}" stroke="${color}" stroke-width="1.2"${openAbove ? ' stroke-dasharray="3 2"' : ''} class="error-bar"/>`)
        for (const end of openAbove ? [bottom] : [top, bottom]) {
          parts.push(`<line x1="${px(x - CAP_HALF_WIDTH)}" x2="${px(x + CAP_HALF_WIDTH)}" y1="${px(end)}" y2="${px(end)}" stroke="${color}" stroke-width="1.2" class="error-bar-cap"/>`)
        }
      }
      if (point.lowerBound === true) {
        parts.push(marker(shape, x, y, color, true, 'marker lower-bound'))
        parts.push(upArrow(x, y, color))
      } else {
        parts.push(marker(shape, x, y, color, false, 'marker'))
      }
    }
    parts.push('</g>')
    parts.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${px(legendY)}" y2="${px(legendY)}" stroke="${color}" stroke-width="1.8"${dash}/>`)
    parts.push(marker(shape, legendX + 12, legendY, color, false, 'legend-marker'))
    legendText(line.name)
  })
  legendY += 6
  parts.push(`<line x1="${legendX + 12}" x2="${legendX + 12}" y1="${px(legendY - 7)}" y2="${px(legendY + 7)}" stroke="#333" stroke-width="1.2"/>`)
  for (const end of [legendY - 7, legendY + 7]) {
    parts.push(`<line x1="${legendX + 12 - CAP_HALF_WIDTH}" x2="${legendX + 12 + CAP_HALF_WIDTH}" y1="${px(end)}" y2="${px(end)}" stroke="#333" stroke-width="1.2"/>`)
  }
  legendText(`bars: ${spec.intervalLabel}`)
  if (points.some((point) => point.high !== undefined && !Number.isFinite(point.high))) {
    parts.push(`<line x1="${legendX + 12}" x2="${legendX + 12}" y1="${px(legendY - 7)}" y2="${px(legendY + 7)}" stroke="#333" stroke-width="1.2" stroke-dasharray="3 2"/>`)
    parts.push(`<line x1="${legendX + 12 - CAP_HALF_WIDTH}" x2="${legendX + 12 + CAP_HALF_WIDTH}" y1="${px(legendY + 7)}" y2="${px(legendY + 7)}" stroke="#333" stroke-width="1.2"/>`)
    legendText(OPEN_ABOVE_LABEL)
  }
  if (series.some((line) => line.points.some((point) => point.lowerBound === true))) {
    legendY += 14
    parts.push(marker('circle', legendX + 12, legendY, '#333', true, 'legend-marker'))
    parts.push(upArrow(legendX + 12, legendY, '#333'))
    legendText(spec.lowerBoundLabel ?? DEFAULT_LOWER_BOUND_LABEL)
  }
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
