#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (`npm run build` first when working from a clone,
// or `npm run rdisc -- <args>` at the repository root to run it from the TypeScript sources).
import '../dist/bin/rdisc.js'
