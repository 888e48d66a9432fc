import { asReceived, substitute } from './substitutions';

describe('SendGrid substitutions', () => {
  it('replaces every occurrence of every tag', () => {
    expect(substitute('-a- and -b-, again -a-', { '-a-': 'one', '-b-': 'two' })).toBe('one and two, again one');
  });

  it('never searches a value for tags, and takes $ in a value literally', () => {
    expect(substitute('-a- -b-', { '-a-': '-b-', '-b-': '$& $1' })).toBe('-b- $& $1');
  });

  it('prefers the longer of two tags where one starts the other', () => {
    expect(substitute('{{url}} {{url_html}}', { '{{url': 'x', '{{url}}': 'short', '{{url_html}}': 'long' })).toBe('short long');
  });

  it('reads an e-mail as received: subject, text and HTML substituted, the rest untouched', () => {
    const kept = {
      id: 'm',
      channel: 'email' as const,
      to: 'a@b.be',
      from: 'f@b.be',
      receivedAt: 't',
      subject: 'S -x-',
      text: 'T -x-',
      html: '<p>-x-</p>',
      substitutions: { '-x-': 'X' },
    };
    expect(asReceived(kept)).toEqual({ ...kept, subject: 'S X', text: 'T X', html: '<p>X</p>' });
    expect(kept.text).toBe('T -x-');
    const sms = { id: 's', channel: 'sms' as const, to: '+32', from: '+32', receivedAt: 't', body: '-x-' };
    expect(asReceived(sms)).toBe(sms);
  });
});
