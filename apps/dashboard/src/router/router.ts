import { signal } from '@preact/signals';
import { hrefOf, placeOf, type Place } from './url-state';

/** Where the page is; pages read it and re-render when it changes. */
export const place = signal<Place>(placeOf(location.pathname, location.search));

/** Goes to a page (a new history entry), or only updates the query (`replace`: no new entry). */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  place.value = placeOf(location.pathname, location.search);
  if (!options.replace) window.scrollTo(0, 0);
}

/** Sets query values of the current page in place (a filter, a time, a chart range). */
export function setQuery(values: Record<string, string | undefined>): void {
  navigate(hrefOf(place.value.path, { ...place.value.query, ...values }), { replace: true });
}

/** Back and forward, and same-origin links clicked without a modifier, stay in the page. */
export function startRouter(): void {
  window.addEventListener('popstate', () => {
    place.value = placeOf(location.pathname, location.search);
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) return;
    // The API's own pages (its reference, the document) are not dashboard pages.
    if (/^\/(v1|docs|openapi\.json|health)(\/|$)/.test(url.pathname)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
