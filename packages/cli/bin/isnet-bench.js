#!/usr/bin/env node
// A committed entry point, so that npm links the command at install time (before the build).
import '../dist/main.js';
