import { signal } from '@preact/signals';
import { historyStep, hrefOf, placeOf, type Place } from './url-state';

/** Where the page is; pages read it and re-render when it changes. */
export const place = signal<Place>(placeOf(location.pathname, location.search));

/**
 * Goes to a page (a new history entry, scrolled to the top), or only updates the query
 * (`replace`: no new entry; `keepScroll`: a new entry that stays where the person is).
 */
export function navigate(
  href: string,
  options: { replace?: boolean; keepScroll?: boolean } = {},
): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  place.value = placeOf(location.pathname, location.search);
  if (!options.replace && !options.keepScroll) window.scrollTo(0, 0);
}

let lastPushMs: number | undefined;

/**
 * Sets query values of the current page. In place by default (a filter being typed); `commit`
 * for a change the person made and may want to undo with Back (a slider moment, a chart zoom or
 * preset): a history entry of its own, except within a quick run of such changes.
 */
export function setQuery(
  values: Record<string, string | undefined>,
  options: { commit?: boolean } = {},
): void {
  const href = hrefOf(place.value.path, { ...place.value.query, ...values });
  if (href === location.pathname + location.search) return;
  const now = Date.now();
  const push = options.commit === true && historyStep(lastPushMs, now) === 'push';
  if (push) lastPushMs = now;
  navigate(href, { replace: !push, keepScroll: true });
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
