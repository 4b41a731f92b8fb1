// Parses venue JSON with every number kept as its exact source text: trade ids exceed 2^53 and prices
// must never pass through a binary float. Schemas then read numbers as strings.
import { parse } from 'lossless-json';

export function parseVenueJson(text: string): unknown {
  return parse(text, null, (digits: string) => digits);
}
