/** A column of a text table: its heading, and how to read a row's cell. */
export interface TableColumn<Row> {
  readonly heading: string
  readonly cell: (row: Row) => string
}

/**
 * Renders rows as a text table: a heading line, then one line per row,
 * columns padded to the widest cell and separated by two spaces. The last
 * column is not padded, so long reasons do not drag trailing blanks.
 */
export function renderTable<Row> (columns: ReadonlyArray<TableColumn<Row>>, rows: readonly Row[]): string {
  const cells = [columns.map((column) => column.heading), ...rows.map((row) => columns.map((column) => column.cell(row)))]
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)))
  return cells
    .map((line) => line.map((cell, index) => index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd())
    .join('\n')
}
