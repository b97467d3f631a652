// Loads the ESM-only Nest 12 packages as their own module graph before any test file, so CommonJS
// packages such as @nestjs/throttler and nestjs-pino (used by the orders API) that require() them
// find them already evaluated (Jest otherwise throws "Cannot require() ES Module … in a cycle";
// see notes/node24.md).
import '@nestjs/common';
import '@nestjs/core';
import '@nestjs/platform-express';
