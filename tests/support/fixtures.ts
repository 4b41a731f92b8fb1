// Loads recorded BTCTurk payloads (see fixtures/btcturk/PROVENANCE.md) as raw text or venue-parsed JSON
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVenueJson } from '../../shared/adapters/btcturk/venue-json';

const DIR = join(import.meta.dirname, 'fixtures', 'btcturk');

export const fixtureText = (name: string): string => readFileSync(join(DIR, name), 'utf8');
export const fixtureJson = (name: string): unknown => parseVenueJson(fixtureText(name));
