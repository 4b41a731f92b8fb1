#!/usr/bin/env node
// CDK entry point (cdk.json "app")
import { buildApp } from '../lib/app';

buildApp().app.synth();
