/**
 * Registrable domains that unrelated vendors share, so a common domain there is no evidence of
 * a link: a vendor at `shop123@gmail.com` and another at `pills@gmail.com`, or two Instagram
 * profile URLs, must not be linked through `gmail.com` or `instagram.com`. Selectors at these
 * domains still link through their own kinds (the e-mail address, the handle): only the
 * `domain` selector is withheld.
 *
 * Data, not code: a small list of the most common free-mail providers, messaging and social
 * platforms, marketplaces, link shorteners and site builders whose sites do not get their own
 * registrable domain. Hosting platforms on the Public Suffix List's private section
 * (`github.io`, `blogspot.com`, `herokuapp.com`, `myshopify.com`, …) need no entry: tldts is
 * called with private suffixes on, so `shop1.github.io` is its own registrable domain.
 * Entries are registrable domains (eTLD+1), lower case, in A-label form.
 */
export const SHARED_DOMAINS: ReadonlySet<string> = new Set([
  // Free-mail providers
  '126.com',
  '163.com',
  'aol.com',
  'cock.li',
  'free.fr',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.fr',
  'icloud.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'onionmail.org',
  'orange.fr',
  'outlook.com',
  'pm.me',
  'proton.me',
  'protonmail.com',
  'qq.com',
  't-online.de',
  'tuta.io',
  'tutanota.com',
  'web.de',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.fr',
  'yandex.com',
  'yandex.ru',
  'ymail.com',
  'zoho.com',
  // Messaging and social platforms (profile and channel URLs)
  'discord.com',
  'discord.gg',
  'facebook.com',
  'fb.com',
  'instagram.com',
  'reddit.com',
  'snapchat.com',
  't.me',
  'telegram.me',
  'telegram.org',
  'tiktok.com',
  'twitter.com',
  'vk.com',
  'wa.me',
  'whatsapp.com',
  'x.com',
  'youtube.com',
  // Marketplaces, shorteners, link pages and site builders without per-site domains
  'aliexpress.com',
  'alibaba.com',
  'amazon.com',
  'bit.ly',
  'craigslist.org',
  'ebay.com',
  'etsy.com',
  'google.com',
  'linktr.ee',
  'tinyurl.com',
  'weebly.com',
  'wix.com',
  'wordpress.com',
]);

/**
 * Documentation domains reserved by RFC 2606 / RFC 6761, handled as if they were public
 * suffixes: `shop.example.com` is the registrable domain `shop.example.com`, not `example.com`.
 * They never occur in real intelligence, but fixtures, demos and the training workshops the
 * resolution asks for use them for fictional vendors; without this every fictional vendor would
 * link to every other through `example.com`. The `.example`, `.test` and `.invalid` top-level
 * domains need no entry: they are not on the Public Suffix List, so tldts's default rule already
 * treats them as suffixes.
 */
export const DOCUMENTATION_SUFFIXES: readonly string[] = [
  'example.com',
  'example.net',
  'example.org',
];
