#!/usr/bin/env node
// Entry of the `spoor` command; the implementation is the compiled apps/cli/src/main.ts.
import { main } from '../dist/main.js';

main(process.argv.slice(2));
