import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { CAN_PIN } from './child.js';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** Servers and measured code on core 1, load generator on core 0 (`taskset`). */
  readonly pinned: boolean;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    pinned: CAN_PIN,
  };
}

/** 1-minute load average: other processes competing for the two cores during the run. */
export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

const root = new URL('../../../../', import.meta.url);

/** Installed version of a package (from node_modules/<name>/package.json), or `undefined`. */
export function installedVersion(name: string, under = 'node_modules/'): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL(`${under}${name}/package.json`, root), 'utf8')) as { version: string })
      .version;
  } catch {
    return undefined;
  }
}

/** Versions of everything measured, as installed in this workspace. */
export function packageVersions(): Record<string, string> {
  const names = [
    '@portcullis/core',
    '@portcullis/express',
    '@portcullis/nest',
    '@portcullis/testing',
    'jose',
    'jsonwebtoken',
    'fast-jwt',
    'express-jwt',
    'jwks-rsa',
    'express-oauth2-jwt-bearer',
    'passport',
    'passport-jwt',
    '@nestjs/passport',
    '@nestjs/core',
    '@nestjs/platform-express',
    '@nestjs/platform-fastify',
    'express',
    'fastify',
    'autocannon',
  ];
  const versions: Record<string, string> = {};
  for (const name of names) versions[name] = installedVersion(name) ?? 'not installed';
  const nestedJose = installedVersion('jose', 'node_modules/express-oauth2-jwt-bearer/node_modules/');
  if (nestedJose !== undefined) versions['jose (inside express-oauth2-jwt-bearer)'] = nestedJose;
  return versions;
}

/** What was measured: the commit, and any uncommitted changes under packages/ that the build included. */
export interface GitState {
  readonly commit: string;
  /** `git status --porcelain packages` lines: the measured dist/ was built from these too. */
  readonly uncommittedInPackages: readonly string[];
}

export function gitState(): GitState {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, {
        cwd: new URL('.', root),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const status = git('status', '--porcelain', '--', 'packages');
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    uncommittedInPackages: status === '' ? [] : status.split('\n').filter((line) => !line.includes('/test/')),
  };
}
