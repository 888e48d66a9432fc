/** Markup that is already safe to put in a page: built by `html` or by `raw` on a constant. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A template whose interpolations are escaped unless they are SafeHtml; arrays are joined, and
 * null, undefined and false leave nothing. Everything a member typed or a database holds goes
 * through it, so no page can carry markup nobody wrote.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** For markup written in this library's own words (a link inside a sentence), never for input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
