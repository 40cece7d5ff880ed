import { html } from './html';
import { renderLayout } from './layout';
import type { PageContext } from './page-context';

/**
 * A page for a refused or failed request (403 "This console is for operators", 404, 400).
 * Without a context (before access control) it shows no navigation and no operator.
 */
export function renderErrorPage(
  ctx: PageContext | null,
  status: number,
  title: string,
  explanation: string,
): string {
  const main = html`<div class="panel notice error-page" data-status="${status}">
    <p class="status">${status}</p>
    <h1>${title}</h1>
    <p>${explanation}</p>
    ${ctx !== null && html`<p><a href="/">Back to the flow</a></p>`}
  </div>`;
  return renderLayout(ctx, { title: `${status} ${title}`, section: null, main });
}
