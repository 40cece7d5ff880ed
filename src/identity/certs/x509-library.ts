// x509 resolves its services with tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509, ready to use: the one place it is imported. Its crypto provider is a
 * library-wide setting, so it is set here once, to Node's own WebCrypto, when this module
 * loads (x509 finds no provider by itself under Node: it only looks for a browser `self`).
 */
x509.cryptoProvider.set(webcrypto);

export { x509 };
