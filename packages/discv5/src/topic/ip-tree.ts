interface IpTreeNode {
  count: number
  children: [IpTreeNode | undefined, IpTreeNode | undefined]
}

function newNode (): IpTreeNode {
  return { count: 0, children: [undefined, undefined] }
}

function bitAt (bytes: Uint8Array, index: number): 0 | 1 {
  return (((bytes[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) as 0 | 1
}

/**
 * A binary prefix tree of the IP addresses behind the ads in a registrar's
 * cache (one tree for IPv4, one for IPv6), counting how many addresses share
 * each prefix. Its {@link IpTree.score} says how crowded an address's
 * neighbourhood already is, so ads from one network wait longer.
 */
export class IpTree {
  readonly #roots = { 4: newNode(), 16: newNode() }

  /** How many addresses of this family are in the tree. */
  size (family: 4 | 16 = 4): number {
    return this.#roots[family].count
  }

  insert (ip: Uint8Array): void {
    const root = this.#root(ip)
    if (root === undefined) {
      return
    }
    root.count++
    let node: IpTreeNode = root
    for (let index = 0; index < ip.length * 8; index++) {
      const bit = bitAt(ip, index)
      const child: IpTreeNode = node.children[bit] ?? newNode()
      node.children[bit] = child
      child.count++
      node = child
    }
  }

  remove (ip: Uint8Array): void {
    let node = this.#root(ip)
    if (node === undefined || node.count === 0) {
      return
    }
    node.count--
    for (let index = 0; index < ip.length * 8; index++) {
      const bit = bitAt(ip, index)
      const child: IpTreeNode | undefined = node.children[bit]
      if (child === undefined) {
        return
      }
      child.count--
      if (child.count <= 0) {
        node.children[bit] = undefined
        return
      }
      node = child
    }
  }

  /**
   * The IP similarity score of `ip`, from 0 (nothing cached near it) to 1
   * (every level of its prefix path holds more addresses than a balanced
   * tree would): the share of the prefix levels `d` (1 to 32, or 128) whose
   * node counts more than `total / 2^d` addresses.
   */
  score (ip: Uint8Array): number {
    const root = this.#root(ip)
    if (root === undefined || root.count === 0) {
      return 0
    }
    const bits = ip.length * 8
    let node: IpTreeNode | undefined = root
    let crowded = 0
    for (let index = 0; index < bits && node !== undefined; index++) {
      node = node.children[bitAt(ip, index)]
      if (node !== undefined && node.count > root.count / 2 ** (index + 1)) {
        crowded++
      }
    }
    return crowded / bits
  }

  #root (ip: Uint8Array): IpTreeNode | undefined {
    return ip.length === 4 ? this.#roots[4] : ip.length === 16 ? this.#roots[16] : undefined
  }
}
