// Parses an input (an event, a queue message, a stored document) with its zod schema; every problem
// becomes one issue of a ValidationError naming where it came from
import type { z } from 'zod';
import { ValidationError } from '../domain/errors';

export function parseInput<S extends z.ZodType>(schema: S, source: string, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      source,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}
