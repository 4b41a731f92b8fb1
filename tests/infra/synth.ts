// One synthesis per test file. Bundling (esbuild, seconds per function) is skipped unless asked for:
// template assertions and cdk-nag read the templates only; cfn-lint synthesizes with real bundles.
import { type BtcbotApp, buildApp } from '../../lib/app';

export function synthesize(options: { bundle?: boolean; outdir?: string; context?: Record<string, unknown> } = {}) {
  const context: Record<string, unknown> = { ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  return buildApp({ context, ...(options.outdir ? { outdir: options.outdir } : {}) }) satisfies BtcbotApp;
}
