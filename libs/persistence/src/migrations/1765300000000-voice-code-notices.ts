import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A phone for calls is confirmed by a call that speaks a code (issue 14 item 1): the call is a
 * member notice of its own kind, `voice_code`, sent by the voice dispatcher. The code itself lives
 * in contact_verifications as the SMS code does, one row per contact point.
 */
export class VoiceCodeNotices1765300000000 implements MigrationInterface {
  name = 'VoiceCodeNotices1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member_notices DROP CONSTRAINT member_notices_kind_check`);
    await q.query(
      `ALTER TABLE member_notices ADD CONSTRAINT member_notices_kind_check
         CHECK (kind IN ('category_invitation', 'email_confirmation', 'sms_code', 'preferences_link', 'voice_code'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM member_notices WHERE kind = 'voice_code'`);
    await q.query(`ALTER TABLE member_notices DROP CONSTRAINT member_notices_kind_check`);
    await q.query(
      `ALTER TABLE member_notices ADD CONSTRAINT member_notices_kind_check CHECK (kind IN ('category_invitation', 'email_confirmation', 'sms_code', 'preferences_link'))`,
    );
  }
}
