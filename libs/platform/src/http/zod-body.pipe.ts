import { PipeTransform } from '@nestjs/common';
import { ZodTypeAny, z } from 'zod';
import { RequestValidationError } from './request-validation.error';

/**
 * Validates a request body at the edge; handlers receive a typed, trusted object. `asIs`, for a
 * busy route, tells cheaply that a body already is what the schema would make of it: such a body
 * is handed on as it came, without the schema's walk and copy; any other goes to the schema.
 */
export class ZodBodyPipe<S extends ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly asIs?: (value: unknown) => boolean,
  ) {}

  transform(value: unknown): z.infer<S> {
    if (this.asIs?.(value)) return value as z.infer<S>;
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error);
    return parsed.data;
  }
}
