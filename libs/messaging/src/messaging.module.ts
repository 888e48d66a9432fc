import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { allTopics } from '@bin-alert/contracts';
import { KafkaBusOptions, KafkaMessageBus } from './kafka-message-bus';

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

class MessageBusLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: KafkaMessageBus) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** The process's MessageBus, with every topic created before anyone subscribes. */
@Module({})
export class MessagingModule {
  static forRoot(options: KafkaBusOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGE_BUS,
          useFactory: async () => {
            const bus = new KafkaMessageBus(options);
            await bus.ensureTopics(allTopics());
            return bus;
          },
        },
        MessageBusLifecycle,
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
