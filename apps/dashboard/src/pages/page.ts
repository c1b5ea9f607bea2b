import type { ComponentType } from 'preact';

/** What every page gets: the path's parameters and the URL's query (its shareable state). */
export interface PageProps {
  params: Record<string, string>;
  query: Record<string, string>;
}

/** A page is a module whose default export is its component, loaded when first visited. */
export type PageModule = { default: ComponentType<PageProps> };
