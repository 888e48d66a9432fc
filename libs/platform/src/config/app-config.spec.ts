import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('works with no environment at all, pointing at local servers and the simulator', () => {
    const config = loadConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toContain('127.0.0.1:5432');
    expect(config.TWILIO_ACCOUNT_SID).toBeUndefined();
  });

  it('names every bad variable and why', () => {
    try {
      loadConfig({ KAFKA_BROKERS: 'nohostport', INTAKE_PORT: 'eighty', TWILIO_ACCOUNT_SID: 'XX1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('KAFKA_BROKERS');
      expect(message).toContain('INTAKE_PORT');
      expect(message).toContain('TWILIO_ACCOUNT_SID: must be AC followed by 32 hex digits');
    }
  });

  it('refuses half a set of Twilio credentials', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32) })).toThrow(/set both/);
  });

  it('treats empty credentials as absent', () => {
    expect(loadConfig({ SENDGRID_API_KEY: '  ' }).SENDGRID_API_KEY).toBeUndefined();
  });
});
