/** @internal the first 8 hex digits of a node id, as notes and logs show it */
export function shortId (nodeId: string): string {
  return nodeId.slice(0, 8)
}
