/** Distinct shapes kept at most; a URL of any further shape is kept whole. */
const MAX_SHAPES = 4096;

/**
 * Callback URLs in two parts, for records that wait long (a message's callbacks still to come):
 * the part every message's URL shares, interned here as a shape number, and the part that is its
 * own, kept as a fresh flat string. A StatusCallback names its delivery in its last query value
 * (`…/message-status?deliveryId=<id>#rc=5&rp=all`): the shape is what comes before that value
 * and the fragment after it, the own part the value, so that ~100 characters per message become
 * the ~36 of its id.
 */
export class UrlShapes {
  private readonly ids = new Map<string, number>();
  private readonly heads: string[] = [];
  private readonly tails: string[] = [];

  /**
   * `url` cut once into its shape, or -1 when it is kept whole (no query value, or too many
   * shapes), and what it keeps of its own under that shape: a string that holds nothing else alive.
   */
  split(url: string): [shape: number, own: string] {
    const [head, tail] = cut(url);
    if (head === 0) return [-1, flat(url)];
    const before = url.slice(0, head);
    const after = url.slice(tail);
    const key = `${before}\n${after}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.heads.length >= MAX_SHAPES) return [-1, flat(url)];
      id = this.heads.push(flat(before)) - 1;
      this.tails.push(flat(after));
      this.ids.set(key, id);
    }
    return [id, flat(url.slice(head, tail))];
  }

  url(shape: number, own: string): string {
    return shape < 0 ? own : this.heads[shape] + own + this.tails[shape];
  }
}

/** Where the value after the last `=` of `url` starts and ends (its fragment, if any, follows); [0, 0] without one. */
function cut(url: string): [number, number] {
  const hash = url.indexOf('#');
  const tail = hash < 0 ? url.length : hash;
  const equals = tail === 0 ? -1 : url.lastIndexOf('=', tail - 1);
  return equals < 0 ? [0, 0] : [equals + 1, tail];
}

/**
 * A copy of `text` in one flat string: a slice of 13 characters or more is a view that keeps its
 * whole parent alive, a concatenation a pair of pointers to its parts.
 */
export function flat(text: string): string {
  // Shorter strings are always flat copies already.
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
