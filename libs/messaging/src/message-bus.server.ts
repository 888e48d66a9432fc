import { ArgumentsHost, Catch, INestApplication, Logger, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, NestMicroservice, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, throwError } from 'rxjs';
import type { ZodType } from 'zod';
import type { RetryPolicy } from '@bin-alert/domain';
import { BatchConsumerSpec, ConsumerSpec, HandlerContext, IncomingMessage, MessageBus, RunningConsumer } from './message-bus';
import { MESSAGE_BUS } from './messaging.module';

/**
 * What an `@EventPattern(topic, consumerGroup({ … }))` handler asks of the consumer loop: the
 * options of `MessageBus.consume` but the topic, which is the pattern. The group id is the
 * lane's, exactly as named in libs/contracts, so that deployed groups keep their offsets.
 */
export interface ConsumerGroupOptions<T = unknown> {
  groupId: string;
  /** Validates every record at the edge; what does not parse goes to the dead letters. */
  schema: ZodType<T>;
  retryPolicy?: RetryPolicy;
  partitionsConcurrently?: number;
  maxWaitMs?: number;
  /** Set for a handler of a partition's records a batch at a time (`BatchConsumerSpec`): its payload is the records. */
  batch?: { maxBatchSize?: number };
}

/** The extras of `@EventPattern`, typed: `@EventPattern(TOPICS.alerts, consumerGroup({ groupId, schema }))`. */
export function consumerGroup<T>(options: ConsumerGroupOptions<T>): Record<string, unknown> {
  return { ...options };
}

/**
 * The `@Ctx()` of a handler: the record being handled (a batch handler's first one; its payload
 * holds them all) and the heartbeat a long handler calls between steps. It is a HandlerContext,
 * so a handler passes it on to the code that heartbeats.
 */
export class MessageBusContext extends BaseRpcContext<[IncomingMessage<unknown>, HandlerContext]> implements HandlerContext {
  getMessage<T = unknown>(): IncomingMessage<T> {
    return this.args[0] as IncomingMessage<T>;
  }

  heartbeat(): Promise<void> {
    return this.args[1].heartbeat();
  }
}

/**
 * A handler's error as thrown, back to the consumer loop, which alone decides between a retry and
 * a dead letter (a PermanentMessageError skips the retries; a lost group membership rejoins).
 * Nest's default filter for the rpc context would log it and replace it with "Internal server error".
 */
@Catch()
export class ToTheConsumerLoop implements RpcExceptionFilter {
  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => error);
  }
}

interface Registered {
  topic: string;
  handler: MessageHandler;
  options: ConsumerGroupOptions;
}

/**
 * The Nest transport of the consumers (ADR 0002): each `@EventPattern(topic, consumerGroup(…))`
 * method of a controller becomes one consumer of the project's MessageBus, so parsing at the edge,
 * retries, dead letters, heartbeats, correlation ids, supervision (ADR 0023) and lag metrics are
 * those of the one consumer loop. Several handlers may share a topic, each in its own group.
 */
export class MessageBusServer extends Server implements CustomTransportStrategy {
  private readonly handlers: Registered[] = [];
  private running: RunningConsumer[] = [];
  private readonly log = new Logger('consumers');

  constructor(private readonly bus: MessageBus) {
    super();
  }

  /** Nest chains the event handlers of one pattern into one; here each is its own consumer group. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const where = `@EventPattern(${JSON.stringify(pattern)})`;
    if (!isEventHandler) throw new Error(`${where}: the message bus carries events only; use @EventPattern, not @MessagePattern`);
    if (typeof pattern !== 'string') throw new Error(`${where}: the pattern is the topic's name`);
    const options = extras as Partial<ConsumerGroupOptions>;
    if (typeof options.groupId !== 'string' || !options.schema) throw new Error(`${where}: needs consumerGroup({ groupId, schema }) as the extras of @EventPattern`);
    callback.isEventHandler = true;
    callback.extras = extras;
    this.handlers.push({ topic: pattern, handler: callback, options: options as ConsumerGroupOptions });
  }

  /** Every handler consuming, or none: a consumer that cannot start stops those started before it. */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const registered of this.handlers) this.running.push(await this.bus.consume(this.specOf(registered)));
      this.log.log({ msg: 'consuming', groups: this.handlers.map((h) => h.options.groupId) });
    } catch (error) {
      await this.close();
      return callback(error);
    }
    callback();
  }

  /**
   * All at once: one after another, the last group would go on taking work while the first ones
   * finish theirs. Called when the app closes, before the database pools do (Nest closes its
   * microservices before the onApplicationShutdown hooks); on SIGTERM the drain stopped them already (ADR 0017).
   */
  async close(): Promise<void> {
    await Promise.all(this.running.splice(0).map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('MessageBusServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private specOf({ topic, handler, options }: Registered): ConsumerSpec<unknown> | BatchConsumerSpec<unknown> {
    const { batch, ...consumer } = options;
    const call = async (payload: unknown, message: IncomingMessage<unknown>, context: HandlerContext) => {
      const result: unknown = await handler(payload, new MessageBusContext([message, context]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
    return batch
      ? { ...consumer, topics: [topic], maxBatchSize: batch.maxBatchSize, handleBatch: (messages, context) => call(messages, messages[0], context) }
      : { ...consumer, topics: [topic], handle: (message, context) => call(message.value, message, context) };
  }
}

/**
 * Connects the app's `@EventPattern` handlers to its MessageBus, to start with the app: serveApp
 * initialises the app, then starts its microservices, then listens, so that the consumers run
 * once the lifecycle hooks have, and before the app answers.
 */
export function connectMessageBusConsumers(app: INestApplication): void {
  const consumers = app.connectMicroservice({ strategy: new MessageBusServer(app.get(MESSAGE_BUS)) }, { deferInitialization: true }) as NestMicroservice;
  // Before the handlers are registered (at start), as Nest reads the global filters then.
  consumers.useGlobalFilters(new ToTheConsumerLoop());
  // The app's own init runs the lifecycle hooks; the microservice shares its modules and must not run them twice.
  consumers.setIsInitHookCalled(true);
}
