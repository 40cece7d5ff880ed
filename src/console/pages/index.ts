/** The ops console's pages: pure functions from console-model data to HTML documents. */
export type { PageContext } from './page-context';
export { renderFlowPage } from './flow-page';
export { renderStoryPage } from './story-page';
export { renderRefusalsPage } from './refusals-page';
export { renderIntegrityPage } from './integrity-page';
export { renderErrorPage } from './error-page';
export { escapeHtml, html, raw, SafeHtml } from './html';
