#!/usr/bin/env node
// The built CLI (npm's `prepare` builds it on install); see gateway/cli.ts.
import '../dist/gateway/cli.js';
