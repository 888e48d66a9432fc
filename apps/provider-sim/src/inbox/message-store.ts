import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { RecentMessages } from './recent-messages';

export type { ListOptions, NewMessage } from './recent-messages';

/**
 * What the simulated providers received, within the configured `retention` (see
 * RecentMessages): every inspection endpoint, the phones page and Twilio's list resources read
 * from here. Retention changes made through PUT /__sim/config apply from the next message on.
 */
@Injectable()
export class MessageStore extends RecentMessages {
  constructor(config: SimConfigStore) {
    super(() => config.current.retention);
  }
}
