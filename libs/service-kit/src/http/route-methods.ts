/** The part of an Express request the 405 check reads. */
export interface RoutedRequest {
  method?: string;
  path?: string;
  app?: { router?: { stack?: RouterLayer[] } };
}

interface RouterLayer {
  route?: { methods?: Record<string, boolean> };
  match?(path: string): unknown;
}

/**
 * The methods the app's routes take at a request's path, sorted (HEAD wherever GET is, as
 * Express answers it): what a 405's `Allow` lists. Empty when no route has the path.
 */
export function methodsAt(req: RoutedRequest): string[] {
  const path = req.path;
  if (path === undefined) return [];
  const methods = new Set<string>();
  for (const layer of req.app?.router?.stack ?? []) {
    if (!layer.route?.methods || !layer.match?.(path)) continue;
    for (const [method, takes] of Object.entries(layer.route.methods))
      if (takes && method !== '_all') methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
