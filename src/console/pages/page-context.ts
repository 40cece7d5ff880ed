/** Who is looking and where the assets are: what every page needs besides its own data. */
export interface PageContext {
  /** The operator as authenticated ("urn:intelroute:ops:..." under mTLS) or "local operator (loopback)". */
  readonly operator: string;
  /** Base path of the assets, e.g. "/assets". */
  readonly assetsPath: string;
}

/** Where the assets are when a page is rendered without a context (an error before access control). */
export const DEFAULT_ASSETS_PATH = '/assets';
