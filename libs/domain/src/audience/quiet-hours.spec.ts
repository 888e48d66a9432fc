import { isValidClockTime, quietHoursDeferral } from './quiet-hours';

describe('quietHoursDeferral', () => {
  const night = { start: '22:00', end: '07:00' };
  // 23:30 in Brussels in winter (UTC+1).
  const lateEvening = new Date('2026-01-15T22:30:00Z');

  it('holds a normal alert inside the quiet hours until they end, local time', () => {
    expect(quietHoursDeferral(night, 'normal', 'respect', lateEvening)).toEqual(new Date('2026-01-16T06:00:00Z'));
  });

  it('never holds an urgent alert', () => {
    expect(quietHoursDeferral(night, 'urgent', 'respect', lateEvening)).toBeNull();
  });

  it('never holds a category that overrides quiet hours', () => {
    expect(quietHoursDeferral(night, 'normal', 'override', lateEvening)).toBeNull();
  });

  it('sends at once outside the quiet hours and without any', () => {
    expect(quietHoursDeferral(night, 'normal', 'respect', new Date('2026-01-15T12:00:00Z'))).toBeNull();
    expect(quietHoursDeferral(null, 'normal', 'respect', lateEvening)).toBeNull();
    expect(quietHoursDeferral({ start: '08:00', end: '08:00' }, 'normal', 'respect', lateEvening)).toBeNull();
  });

  it('handles the part of a window after midnight, and summer time', () => {
    // 05:15 Brussels summer time (UTC+2) → 07:00 local = 05:00Z.
    expect(quietHoursDeferral(night, 'normal', 'respect', new Date('2026-07-01T03:15:00Z'))).toEqual(new Date('2026-07-01T05:00:00Z'));
  });

  it('handles a window within one day', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(quietHoursDeferral(lunch, 'normal', 'respect', new Date('2026-01-15T11:30:20Z'))).toEqual(new Date('2026-01-15T13:00:00Z'));
    expect(quietHoursDeferral(lunch, 'normal', 'respect', new Date('2026-01-15T13:00:00Z'))).toBeNull();
  });

  it('knows a HH:MM time', () => {
    expect(['00:00', '23:59', '07:30'].every(isValidClockTime)).toBe(true);
    expect(['24:00', '7:30', '07:60', 'noon'].some(isValidClockTime)).toBe(false);
  });
});
