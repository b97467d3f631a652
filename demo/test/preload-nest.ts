// Loads the ESM-only Nest 12 packages as their own module graph before the test file, so the
// CommonJS add-ons of the in-process orders API (@nestjs/throttler, nestjs-pino) that require()
// them find them evaluated (Jest otherwise throws "Cannot require() ES Module … in a cycle").
import '@nestjs/common';
import '@nestjs/core';
import '@nestjs/platform-express';
