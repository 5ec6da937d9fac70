/**
 * Escaping for text placed into HTML and for JSON placed inside a `<script>` element.
 */

/** Text → HTML text or attribute value (`&`, `<`, `>`, `"`, `'`). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A value as a JavaScript literal that is safe inside an inline `<script>`: no `</script>`,
 * no `<!--`, and no U+2028/U+2029 (line terminators in older JavaScript engines).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
