/**
 * SPEC 176 — "Config with jwksUri http://… or derive JWKS from the token iss → refuse to start":
 * each target is built with a plain-http, non-loopback key-set URL and must refuse to start; and a
 * token whose `iss` names an attacker must never make the running target fetch anything from it.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { portcullis } from '@portcullis/express';
import { PortcullisModule } from '@portcullis/nest';
import type { TestIssuer } from '@portcullis/testing';
import { loadConfig } from '../../apps/orders-api/src/config/load-config.js';
import type { TargetHandle, TargetName } from '../targets/target-handle.js';
import { silentNestLogger } from '../targets/nest-spec-app.js';
import type { AttackerListener } from './attacker-listener.js';
import { send } from './http-client.js';

const INSECURE_JWKS = 'http://as.example.test/jwks';

/** Whether building the target with an insecure key-set URL fails (it must). */
async function refusesInsecureKeySet(target: TargetName, issuer: TestIssuer): Promise<string | undefined> {
  const options = { issuer: issuer.issuer, audience: issuer.audience, jwksUri: INSECURE_JWKS };
  if (target === 'orders-api') {
    try {
      loadConfig({ AUTH_ISSUER: 'https://as.example.test', AUTH_JWKS_URI: INSECURE_JWKS, DATABASE_URL: 'memory://' });
      return 'the orders API accepted AUTH_JWKS_URI=http://as.example.test/jwks';
    } catch {
      return undefined;
    }
  }
  if (target === 'express') {
    try {
      portcullis(options);
      return 'portcullis() accepted jwksUri http://as.example.test/jwks';
    } catch (error) {
      return error instanceof TypeError ? undefined : `portcullis() failed with ${(error as Error).name}, not a TypeError`;
    }
  }
  @Module({ imports: [PortcullisModule.forRoot(options)] })
  class InsecureModule {}
  const adapter = target === 'nest-express' ? new ExpressAdapter() : new FastifyAdapter();
  try {
    const app = await NestFactory.create(InsecureModule, adapter, { logger: silentNestLogger, abortOnError: false });
    await app.close();
    return 'the Nest app started with jwksUri http://as.example.test/jwks';
  } catch {
    return undefined;
  }
}

/** Runs case 176 on one target; returns failures. */
export async function checkCase176(target: TargetHandle, issuer: TestIssuer, attacker: AttackerListener, aliceToken: (iss: string) => Promise<string>): Promise<string[]> {
  const failures: string[] = [];
  const refusal = await refusesInsecureKeySet(target.name, issuer);
  if (refusal) failures.push(refusal);
  // "Derive the key set from the token's iss": a token naming the attacker as issuer.
  const before = attacker.hits();
  const token = await aliceToken(attacker.url);
  const result = await send(target.url, { method: 'GET', path: '/orders', headers: [['Authorization', `Bearer ${token}`]] }, { timeoutMs: 10_000 });
  if (result.status !== 401) failures.push(`token with iss = attacker: got ${result.status}, expected 401`);
  if (attacker.hits() !== before) failures.push("the target contacted the token's iss");
  return failures;
}
