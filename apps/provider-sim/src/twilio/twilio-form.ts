/**
 * A Twilio request's form fields. The urlencoded parser gives repeated keys as arrays and a lone
 * key as a string; Twilio's parameter names are case-sensitive PascalCase.
 */
export class TwilioForm {
  private constructor(private readonly fields: Record<string, unknown>) {}

  static of(body: unknown): TwilioForm {
    return new TwilioForm(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
  }

  /** The first value, or undefined when absent or empty (Twilio treats `To=` as missing). */
  text(name: string): string | undefined {
    const first = this.all(name)[0];
    return first === undefined || first === '' ? undefined : first;
  }

  all(name: string): string[] {
    const value = this.fields[name];
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    return [];
  }

  integer(name: string): number | undefined {
    const raw = this.text(name);
    if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
    return Number(raw);
  }
}
