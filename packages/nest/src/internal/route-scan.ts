import { RequestMethod } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { readRouteRequirements } from './route-requirements.js';
import type { RouteRequirements } from './route-requirements.js';

// Nest's own metadata keys (`PATH_METADATA`, `METHOD_METADATA` in @nestjs/common/constants),
// stable since Nest 4; literal so the package does not depend on a deep import path.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
// `MODULE_PATH` of @nestjs/common: where `RouterModule.register()` records a module's path prefix,
// suffixed with the application id (Nest ≥ 8), or unsuffixed when set by hand.
const MODULE_PATH = '__module_path__';

/** One route handler found at start-up. */
export interface ScannedRoute {
  readonly controller: Type;
  readonly methodName: string;
  readonly handler: (...args: unknown[]) => unknown;
  /** e.g. `GET /orders/:id` (controller + handler paths, without a global prefix). */
  readonly label: string;
  readonly paths: readonly string[];
  /** `paths` behind the `RouterModule` path of the controller's module (still without a global prefix). */
  readonly routedPaths: readonly string[];
  readonly requirements: RouteRequirements;
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [''];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function joinPath(base: string, path: string): string {
  const joined = `/${base}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** Every route handler of every controller, with its combined requirements. */
export function scanRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  applicationId?: string,
): ScannedRoute[] {
  const routes: ScannedRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type | undefined;
    if (typeof controller !== 'function' || !controller.prototype) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    const bases = asList(Reflect.getMetadata(PATH_METADATA, controller));
    const hostModule = wrapper.host?.metatype as object | undefined;
    const modulePath =
      hostModule === undefined
        ? undefined
        : ((applicationId === undefined ? undefined : Reflect.getMetadata(MODULE_PATH + applicationId, hostModule)) ??
          Reflect.getMetadata(MODULE_PATH, hostModule));
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const paths = bases.flatMap((base) =>
        asList(Reflect.getMetadata(PATH_METADATA, handler)).map((p) => joinPath(base, p)),
      );
      const verb = RequestMethod[method] ?? String(method);
      routes.push({
        controller,
        methodName,
        handler: handler as (...args: unknown[]) => unknown,
        paths,
        routedPaths: typeof modulePath === 'string' ? paths.map((path) => joinPath(modulePath, path)) : paths,
        label: `${verb} ${paths.join(', ')} (${controller.name}.${methodName})`,
        requirements: readRouteRequirements(reflector, controller, handler),
      });
    }
  }
  return routes;
}
