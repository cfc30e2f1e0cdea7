/** The bodies of the fenced code blocks of `markdown` in `language` (```ts, ```sh...), in order. */
export function fencedBlocks (markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1] ?? '')
}
