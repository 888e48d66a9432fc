import { runInNewContext } from 'node:vm';
import { PHONES_PAGE } from './phones.page';
import type { PhoneView } from './phones.controller';

/**
 * Just enough of a DOM for the page's script: elements with classes, attributes, children and a
 * text, created only through createElement and createTextNode — what the page may use. innerHTML
 * does not exist here, so a script that parsed markup would fail.
 */
class FakeText {
  constructor(readonly textContent: string) {}
}

class FakeElement {
  className = '';
  href?: string;
  value = '';
  checked = true;
  readonly childNodes: Array<FakeElement | FakeText> = [];
  private readonly attributes = new Map<string, string>();

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(text: string) {
    this.childNodes.splice(0, this.childNodes.length, new FakeText(text));
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((n): n is FakeElement => n instanceof FakeElement);
  }
  appendChild<T extends FakeElement | FakeText>(node: T): T {
    this.childNodes.push(node);
    return node;
  }
  replaceChildren(): void {
    this.childNodes.length = 0;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(): void {}
  /** Descendants, depth first, that `match`. */
  findAll(match: (e: FakeElement) => boolean): FakeElement[] {
    return this.children.flatMap((c) => [...(match(c) ? [c] : []), ...c.findAll(match)]);
  }
}

async function drawPage(messages: PhoneView[]): Promise<FakeElement> {
  const byId = new Map(['devices', 'filter', 'live', 'total', 'sms', 'voice', 'email'].map((id) => [id, new FakeElement('div')]));
  const channelBoxes = ['sms', 'voice', 'email'].map((channel) => Object.assign(new FakeElement('input'), { value: channel }));
  const document = {
    getElementById: (id: string) => byId.get(id),
    querySelectorAll: (selector: string) => (selector === '.ch' ? channelBoxes : []),
    createElement: (tag: string) => new FakeElement(tag),
    createTextNode: (text: string) => new FakeText(text),
  };
  const feed = { total: messages.length, byChannel: { sms: 0, voice: 0, email: 0 }, messages };
  const script = /<script>([\s\S]*)<\/script>/.exec(PHONES_PAGE)![1];
  runInNewContext(script, { document, fetch: async () => ({ json: async () => feed }), setTimeout: () => undefined, URL, Map, Date });
  await new Promise((resolve) => setImmediate(resolve));
  return byId.get('devices')!;
}

const email = (to: string, body: string): PhoneView => ({ id: 'e', channel: 'email', to, receivedAt: '2026-05-12T10:00:00Z', title: 'Inbraken', body });

describe('the phones page script', () => {
  it('labels each card with its address or number, for a person and a browser test', async () => {
    const devices = await drawPage([email('anna@example.be', 'Tekst'), { id: 's', channel: 'sms', to: '+32470100001', receivedAt: '2026-05-12T10:00:00Z', body: 'SMS' }]);

    const cards = devices.findAll((e) => e.tagName === 'section');
    expect(cards.map((c) => [c.className, c.getAttribute('data-to'), c.getAttribute('aria-label')])).toEqual([
      ['device email', 'anna@example.be', 'inbox of anna@example.be'],
      ['device sms', '+32470100001', 'phone of +32470100001'],
    ]);
  });

  it('makes the http(s) URLs of a body links and keeps everything else text', async () => {
    const body =
      'Wijzig uw voorkeuren: https://bin.example/preferences?token=abc.def\n' +
      'Geen berichten over inbraken meer per e-mail: http://127.0.0.1:3000/unsubscribe?token=x%2By.\n' +
      '<b>niet vet</b> javascript:alert(1) ftp://files.example/x (zie https://politie.be/aalst).';
    const devices = await drawPage([email('anna@example.be', body)]);

    const [bodyEl] = devices.findAll((e) => e.className === 'body');
    expect(bodyEl.textContent).toBe(body);
    expect(bodyEl.children.map((a) => [a.tagName, a.href, a.textContent])).toEqual([
      ['a', 'https://bin.example/preferences?token=abc.def', 'https://bin.example/preferences?token=abc.def'],
      ['a', 'http://127.0.0.1:3000/unsubscribe?token=x%2By', 'http://127.0.0.1:3000/unsubscribe?token=x%2By'],
      ['a', 'https://politie.be/aalst', 'https://politie.be/aalst'],
    ]);
  });

  it('leaves a body without URLs one text node', async () => {
    const devices = await drawPage([email('anna@example.be', 'Sluit ramen en deuren.')]);

    const [bodyEl] = devices.findAll((e) => e.className === 'body');
    expect(bodyEl.childNodes).toEqual([new FakeText('Sluit ramen en deuren.')]);
  });
});
