/** A block as far as the registry index cares: its number and hash (lowercase hex). */
export interface BlockRef {
  readonly number: number
  readonly hash: string
}
