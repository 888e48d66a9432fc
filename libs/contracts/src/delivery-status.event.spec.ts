import { deliveryEventId } from './delivery-status.event';

describe('deliveryEventId', () => {
  // Ids published before the namespace was precomputed (computed on 3a85d6a): consumers of
  // bin.delivery-events.v1 dedupe on them, so the same callback must keep its id.
  it.each([
    ['twilio:message:SM0123456789abcdef0123456789abcdef:delivered', 'dc089dd3-35ff-5c20-949f-8ead87be5f2d'],
    ['sendgrid:email:abc.def:delivered', '6e8d0ba2-afcb-5f65-82d9-12584c7c37e0'],
  ])('keeps the id of %s', (identity, id) => {
    expect(deliveryEventId(identity)).toBe(id);
  });
});
