import { SimStats } from './sim-stats';

describe('SimStats duplicates', () => {
  it('counts a message accepted twice as one duplicate, per channel', () => {
    const stats = new SimStats();

    stats.accepted('sms', '+32470123456\nSluit ramen en deuren.');
    stats.accepted('sms', '+32470123456\nSluit ramen en deuren.');
    stats.accepted('sms', '+32470123457\nSluit ramen en deuren.');
    // The same key on another channel is another message.
    stats.accepted('voice', '+32470123456\nSluit ramen en deuren.');
    stats.accepted('email', 'd-1');
    stats.accepted('email', 'd-1');
    stats.accepted('email', 'd-1');

    const snapshot = stats.snapshot(0);
    expect([snapshot.sms.accepted, snapshot.sms.duplicates]).toEqual([3, 1]);
    expect([snapshot.voice.accepted, snapshot.voice.duplicates]).toEqual([1, 0]);
    expect([snapshot.email.accepted, snapshot.email.duplicates]).toEqual([3, 2]);
  });

  it('forgets what it saw on reset', () => {
    const stats = new SimStats();
    stats.accepted('sms', 'x');

    stats.reset();
    stats.accepted('sms', 'x');

    expect(stats.snapshot(0).sms).toMatchObject({ accepted: 1, duplicates: 0 });
  });
});
