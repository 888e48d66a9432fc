import { emailEventJson, eventWebhookBody } from './email-events';

/** A pending event is its JSON, written once (ADR 0049): it must carry every field the tracker reads. */
describe('e-mail events as written JSON', () => {
  const message = {
    id: 'LRzXl_NHStOGhQ4kofSm_A',
    to: 'chloé "c" <x>@example.be',
    customArgs: { delivery_id: 'd-1', event: 'not-an-event', ip: 'kept unless the event has one' },
    categories: ['bin-alert'],
    sgMessageId: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0',
  };
  const at = new Date('2026-12-06T21:00:00.000Z');

  it('is one string holding SendGrid fields, the custom args at the top level, and the type details', () => {
    const json = emailEventJson(message, 'delivered', at);
    expect(typeof json).toBe('string');
    expect(JSON.parse(json)).toEqual({
      delivery_id: 'd-1',
      email: 'chloé "c" <x>@example.be',
      timestamp: 1_796_590_800,
      event: 'delivered',
      'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0@ismtpd-sim>',
      sg_event_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0',
      category: 'bin-alert',
      response: '250 2.0.0 OK',
      tls: 1,
      ip: '192.0.2.25',
    });
  });

  it('lets no custom arg take a field the event has, keeps those it has not, and writes several categories as an array', () => {
    const processed = JSON.parse(emailEventJson({ ...message, categories: ['bin-alert', 'urgent'] }, 'processed', at));
    expect(processed).toMatchObject({ event: 'processed', ip: 'kept unless the event has one', category: ['bin-alert', 'urgent'] });
    const bounce = JSON.parse(emailEventJson({ ...message, categories: [] }, 'bounce', at));
    expect(bounce).toMatchObject({ event: 'bounce', type: 'bounce', status: '5.1.1', ip: '192.0.2.25', bounce_classification: 'Invalid Address' });
    expect(bounce).not.toHaveProperty('category');
    expect(emailEventJson(message, 'processed', at)).not.toEqual(emailEventJson(message, 'processed', at));
  });

  it('joins events into the body SendGrid writes: one per line, CRLF separated and ended', () => {
    const events = [emailEventJson(message, 'processed', at), emailEventJson(message, 'delivered', at)];
    const body = eventWebhookBody(events);
    expect(body).toBe(`[${events[0]},\r\n${events[1]}]\r\n`);
    expect(JSON.parse(body)).toHaveLength(2);
  });
});
