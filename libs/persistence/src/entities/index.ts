import { AlertBinEntity, AlertEntity } from './alert.entity';
import { BinEntity } from './bin.entity';
import { CategoryEntity } from './category.entity';
import { ContactPointEntity } from './contact-point.entity';
import { DeliveryEntity } from './delivery.entity';
import { MemberEntity } from './member.entity';
import { MembershipEntity } from './membership.entity';
import { OutboxRecordEntity } from './outbox-record.entity';
import { PreferenceEntity } from './preference.entity';
import { SmsOptOutEntity } from './sms-opt-out.entity';

export { AlertBinEntity, AlertEntity, BinEntity, CategoryEntity, ContactPointEntity, DeliveryEntity, MemberEntity, MembershipEntity, OutboxRecordEntity, PreferenceEntity, SmsOptOutEntity };

export const ENTITIES = [AlertBinEntity, AlertEntity, BinEntity, CategoryEntity, ContactPointEntity, DeliveryEntity, MemberEntity, MembershipEntity, OutboxRecordEntity, PreferenceEntity, SmsOptOutEntity];
