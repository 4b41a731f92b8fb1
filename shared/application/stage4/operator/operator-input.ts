// The free text an operator command takes (a reason, a name): trimmed, present and bounded, like every
// short text of a stored document
import * as z from 'zod';

export const MAX_OPERATOR_TEXT = 200;

export const operatorText = (what: string) =>
  z
    .string({ error: `expected ${what}, was missing` })
    .trim()
    .min(1, { error: `expected ${what}, was empty` })
    .max(MAX_OPERATOR_TEXT, { error: `expected at most ${MAX_OPERATOR_TEXT} characters` });
