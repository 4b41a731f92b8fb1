// The EMF lines a test run writes to stdout, captured and parsed with zod: what CloudWatch would read of them.
// Other stdout lines (the JSON log lines) pass through untouched.
import { vi } from 'vitest';
import * as z from 'zod';
import { METRICS, type MetricKey } from '../../../../shared/domain/observability/metric-catalog';

const EmfLineSchema = z.looseObject({
  _aws: z.strictObject({
    Timestamp: z.number().int().positive(),
    CloudWatchMetrics: z
      .array(
        z.strictObject({
          Namespace: z.string(),
          Dimensions: z.array(z.array(z.string())),
          Metrics: z.array(z.strictObject({ Name: z.string(), Unit: z.string() })),
        }),
      )
      .length(1),
  }),
});

export interface EmfLine {
  readonly namespace: string;
  readonly dimensionSets: readonly (readonly string[])[];
  /** Each dimension's value, by the names of the dimension sets */
  readonly dimensions: Readonly<Record<string, unknown>>;
  /** Published value and unit by contract key; a name outside the contract fails the parse */
  readonly metrics: Partial<Readonly<Record<MetricKey, { readonly value: number; readonly unit: string }>>>;
}

const KEY_OF = new Map<string, MetricKey>(Object.entries(METRICS).map(([key, spec]) => [spec.name, key as MetricKey]));

export function parseEmfLine(text: string): EmfLine {
  const line = EmfLineSchema.parse(JSON.parse(text));
  const [directive] = line._aws.CloudWatchMetrics;
  if (!directive) throw new Error('no metric directive');
  const metrics: Partial<Record<MetricKey, { value: number; unit: string }>> = {};
  for (const { Name, Unit } of directive.Metrics) {
    const key = KEY_OF.get(Name);
    if (key === undefined) throw new Error(`metric ${Name} is not in the contract`);
    metrics[key] = { value: z.number().finite().parse(line[Name]), unit: Unit };
  }
  const names = [...new Set(directive.Dimensions.flat())];
  return {
    namespace: directive.Namespace,
    dimensionSets: directive.Dimensions,
    dimensions: Object.fromEntries(names.map((n) => [n, line[n]])),
    metrics,
  };
}

/** Captures the EMF lines written to stdout until `stop()`; each one parsed */
export function captureEmf(): { lines(): EmfLine[]; stop(): void } {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) {
      written.push(text);
      return true;
    }
    return write(chunk as string, ...rest);
  }) as typeof process.stdout.write);
  return { lines: () => written.map(parseEmfLine), stop: () => spy.mockRestore() };
}

/** The values of one line by contract key, for a whole-line comparison */
export const valuesOf = (line: EmfLine): Partial<Record<MetricKey, number>> =>
  Object.fromEntries(Object.entries(line.metrics).map(([key, m]) => [key, m.value]));
