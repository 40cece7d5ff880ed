import { html, type SafeHtml } from './html';
import { DEFAULT_ASSETS_PATH, type PageContext } from './page-context';

/** The console's sections, in the order the navigation shows them. */
export type Section = 'flow' | 'messages' | 'refusals' | 'integrity';

const NAV: readonly { readonly section: Section; readonly label: string; readonly href: string }[] =
  [
    { section: 'flow', label: 'Flow', href: '/' },
    { section: 'messages', label: 'Messages', href: '/messages' },
    { section: 'refusals', label: 'Refusals', href: '/refusals' },
    { section: 'integrity', label: 'Integrity', href: '/integrity' },
  ];

// A data: URL, which the console's CSP allows for images (img-src 'self' data:).
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E" +
  "%3Crect width='16' height='16' rx='3' fill='%231e293b'/%3E" +
  "%3Cpath d='M2 8h3l2-4 2 8 2-4h3' stroke='%2334d399' stroke-width='1.6' fill='none'/%3E%3C/svg%3E";

export interface LayoutOptions {
  readonly title: string;
  /** The section to mark as current in the navigation; null for error pages. */
  readonly section: Section | null;
  readonly main: SafeHtml;
  /** Loads console.js (deferred): only the pages that update live need it. */
  readonly withScript?: boolean;
  /** Reloads the page after this many seconds (a running verification), via <meta refresh>. */
  readonly refreshSeconds?: number;
}

/**
 * The whole document around a page's <main>. No inline script, style or handler anywhere: the
 * server's Content-Security-Policy allows only the console's own files.
 */
export function renderLayout(ctx: PageContext | null, options: LayoutOptions): string {
  const assets = ctx?.assetsPath ?? DEFAULT_ASSETS_PATH;
  const { title, section, main, withScript, refreshSeconds } = options;
  const page = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${refreshSeconds !== undefined && html`<meta http-equiv="refresh" content="${refreshSeconds}" />`}
        <title>${title} · intelroute ops console</title>
        <link rel="icon" href="${FAVICON}" />
        <link rel="stylesheet" href="${assets}/console.css" />
        ${withScript === true && html`<script src="${assets}/console.js" defer></script>`}
      </head>
      <body data-page="${section ?? 'error'}">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">intelroute ops console</a>
          ${ctx !== null && renderNav(section)}
          ${ctx !== null && html`<p class="operator">Operator: <span id="operator">${ctx.operator}</span></p>`}
        </header>
        <main id="main">${main}</main>
        <footer class="bottom">
          <p>Operators see the audit trail's metadata: never payloads or selectors.</p>
        </footer>
      </body>
    </html> `;
  return page.value;
}

function renderNav(current: Section | null): SafeHtml {
  const items = NAV.map(
    ({ section, label, href }) =>
      html`<li>
        <a href="${href}" ${section === current && html` aria-current="page"`}>${label}</a>
      </li>`,
  );
  return html`<nav aria-label="Console sections">
    <ul>
      ${items}
    </ul>
  </nav>`;
}
