import { PipeTransform } from '@nestjs/common';
import { ZodTypeAny, z } from 'zod';
import { RequestValidationError } from './request-validation.error';

/** Validates a request body at the edge; handlers receive a typed, trusted object. */
export class ZodBodyPipe<S extends ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    return parsed.data;
  }
}
