/**
 * Speaks short messages through a polite live region (`#announcer`), e.g.
 * when a kind's selected server changes. Repeating the same text announces
 * it again.
 */
export class Announcer {
  readonly #region: HTMLElement

  constructor (region: HTMLElement) {
    this.#region = region
  }

  announce (message: string): void {
    // clear first: a live region announces changes, and the same text again is no change
    this.#region.textContent = ''
    window.setTimeout(() => { this.#region.textContent = message }, 50)
  }
}
