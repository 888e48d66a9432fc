import { deliveryFunnel } from './delivery-funnel';

describe('delivery funnel', () => {
  it('counts each stage as reached or passed, so bars shrink from planned to delivered', () => {
    const funnel = deliveryFunnel({
      byStatus: { suppressed: 3, planned: 1, sending: 1, accepted: 2, sent: 1, delivered: 4, undelivered: 1, failed: 1 },
      suppressedByReason: { opted_out: 2, no_contact_point: 1 },
      failedByReason: { unreachable_handset: 1, invalid_number: 1 },
      acknowledged: 0,
    });
    expect(funnel).toEqual({
      audience: 14,
      suppressed: 3,
      suppressedByReason: { opted_out: 2, no_contact_point: 1 },
      planned: 11,
      queued: 8,
      sent: 6,
      delivered: 4,
      failed: 2,
      failedByReason: { unreachable_handset: 1, invalid_number: 1 },
      acknowledged: 0,
      inFlight: 5,
    });
  });

  it('counts voice calls answered, unanswered and busy as sent, and acknowledgements apart', () => {
    const funnel = deliveryFunnel({ byStatus: { answered: 1, delivered: 2, no_answer: 1, busy: 1 }, acknowledged: 2 });
    expect(funnel).toMatchObject({ planned: 5, queued: 5, sent: 5, delivered: 2, failed: 2, acknowledged: 2, inFlight: 1 });
  });

  it('is all zeros before the expander has planned anything', () => {
    expect(deliveryFunnel({ byStatus: {} })).toMatchObject({ audience: 0, planned: 0, queued: 0, delivered: 0, failed: 0, inFlight: 0 });
  });
});
