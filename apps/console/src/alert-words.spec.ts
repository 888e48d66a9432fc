import type { AlertDashboard } from '../../../libs/domain/src/delivery/alert-dashboard';
import { deliveryFunnel } from '../../../libs/domain/src/delivery/delivery-funnel';
import { canFollowUp, filledTexts, followUpReach, kindWord, prefilledTexts, shownTextLanguage, statusWord } from './alert-words';

describe('console alert words', () => {
  it('names every status the API shows, and leaves an unknown one as the API spells it', () => {
    expect(['draft', 'awaiting_approval', 'issued', 'rejected', 'cancelled', 'expired'].map(statusWord)).toEqual([
      'statusDraft',
      'statusAwaitingApproval',
      'statusIssued',
      'statusRejected',
      'statusCancelled',
      'statusExpired',
    ]);
    expect(statusWord('archived')).toBeNull();
    expect(['actual', 'test', 'exercise'].map(kindWord)).toEqual(['kindActual', 'kindTest', 'kindExercise']);
  });

  it('offers a follow-up only for an issued alert that is not itself a cancel', () => {
    expect(canFollowUp({ status: 'issued', messageType: 'alert' })).toBe(true);
    expect(canFollowUp({ status: 'issued', messageType: 'update' })).toBe(true);
    expect(canFollowUp({ status: 'issued', messageType: 'cancel' })).toBe(false);
    for (const status of ['cancelled', 'expired', 'awaiting_approval', 'draft', 'rejected']) expect(canFollowUp({ status, messageType: 'alert' })).toBe(false);
  });

  it('counts as reached per channel what got to the provider, whatever happened after, and not the refused or suppressed', () => {
    const sms = deliveryFunnel({ byStatus: { delivered: 3, undelivered: 1, failed: 2, suppressed: 4, planned: 1 } });
    expect(followUpReach({ sms: { funnel: sms } })).toEqual({ sms: 4, email: 0, voice: 0 });
  });

  it('prefills the original texts and sends only the languages with a title and a body, trimmed', () => {
    const texts = prefilledTexts({ nl: { title: 'Vermist', body: 'Lucas' } }, ['nl', 'fr']);
    expect(texts).toEqual({ nl: { title: 'Vermist', body: 'Lucas' }, fr: { title: '', body: '' } });
    expect(filledTexts({ ...texts, nl: { title: ' Gevonden ', body: ' Lucas is terecht. ' }, fr: { title: 'Retrouvé', body: ' ' } })).toEqual({
      nl: { title: 'Gevonden', body: 'Lucas is terecht.' },
    });
  });

  it('sends the instruction and the contact line of a language when given, trimmed, and leaves blank ones out', () => {
    expect(
      filledTexts({
        nl: { title: 'Vermist', body: 'Lucas (8).', instruction: ' Benader hem rustig. ', contact: ' Bel 101 ' },
        fr: { title: 'Disparu', body: 'Lucas.', instruction: ' ', contact: '' },
      }),
    ).toEqual({
      nl: { title: 'Vermist', body: 'Lucas (8).', instruction: 'Benader hem rustig.', contact: 'Bel 101' },
      fr: { title: 'Disparu', body: 'Lucas.' },
    });
  });

  it("reads the server's dashboard document as typed by libs/domain, with no cast: texts per language, funnels per channel", () => {
    const dashboard: AlertDashboard = {
      alert: {
        id: 'a1',
        status: 'issued',
        kind: 'actual',
        messageType: 'alert',
        references: null,
        createdBy: 'op',
        category: 'missing_person',
        urgency: 'urgent',
        redistributionAllowed: false,
        bins: ['b1'],
        issuedAt: '2026-12-07T04:00:00.000Z',
        texts: { fr: { title: 'Disparu', body: 'Lucas.' }, de: { title: 'Vermisst', body: 'Lucas.', contact: 'Polizei' } },
      },
      channels: { email: { funnel: deliveryFunnel({ byStatus: { delivered: 2 } }), firstDeliveryMs: 10, lastDeliveryMs: 20, routes: [], fallbacks: 0 } },
    };
    const { texts } = dashboard.alert;
    expect(shownTextLanguage(texts, 'fr')).toBe('fr');
    // No text in the operator's language nor in Dutch: the first in the form's order (nl, fr, de, en).
    expect(shownTextLanguage(texts, 'en')).toBe('fr');
    expect(shownTextLanguage({}, 'nl')).toBeUndefined();
    expect(prefilledTexts(texts, ['fr', 'de'])).toEqual({ fr: { title: 'Disparu', body: 'Lucas.' }, de: { title: 'Vermisst', body: 'Lucas.' } });
    expect(followUpReach(dashboard.channels)).toEqual({ sms: 0, email: 2, voice: 0 });
  });
});
