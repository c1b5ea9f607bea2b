import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import NotFoundPage from '../pages/not-found/NotFoundPage';
import type { PageModule, PageProps } from '../pages/page';
import { ROUTES } from '../pages/routes';
import { place } from '../router/router';
import { matchRoute } from '../router/url-state';

const loaded = new Map<() => Promise<PageModule>, ComponentType<PageProps>>();

/** Shows the page the URL names, loading its chunk the first time. */
export function PageHost() {
  const { path, query } = place.value;
  const match = matchRoute(ROUTES, path);
  const [, setTick] = useState(0);
  const [failure, setFailure] = useState<string | undefined>();
  const Page = match ? loaded.get(match.page) : NotFoundPage;

  useEffect(() => {
    if (!match || loaded.has(match.page)) return;
    let live = true;
    match
      .page()
      .then((module) => {
        loaded.set(match.page, module.default);
        if (live) setTick((t) => t + 1);
      })
      .catch(
        (e: unknown) =>
          live &&
          setFailure(`The page could not load: ${(e as Error).message}. Reload to try again.`),
      );
    return () => {
      live = false;
    };
  }, [match?.page]);

  if (failure)
    return (
      <p class="notice" role="alert">
        {failure}
      </p>
    );
  if (!Page) return <p role="status">Loading…</p>;
  return <Page params={match?.params ?? {}} query={query} />;
}
