/**
 * Who is on the other end of a connection, as proved by its client certificate (never as
 * declared in a message). The URN forms, in the certificate's SAN URI:
 *   urn:intelroute:ncb:<CC>                 the NCB of country CC
 *   urn:intelroute:agency:<CC>:<agency-id>  a national service of CC beyond the NCB
 *   urn:intelroute:secretariat[:<service>]  the General Secretariat (optionally one service)
 *   urn:intelroute:wg:<CC>                  a working-group member from country CC
 *   urn:intelroute:ops:<name>               an operator (audit and traces only)
 *   urn:intelroute:system:<component>       intelroute's own services (link detector, ledger)
 */
export type Identity =
  | { readonly role: 'ncb'; readonly country: string; readonly urn: string }
  | {
      readonly role: 'agency';
      readonly country: string;
      readonly agencyId: string;
      readonly urn: string;
    }
  | { readonly role: 'secretariat'; readonly service: string | null; readonly urn: string }
  | { readonly role: 'wg'; readonly country: string; readonly urn: string }
  | { readonly role: 'ops'; readonly name: string; readonly urn: string }
  | { readonly role: 'system'; readonly component: string; readonly urn: string };

export type Role = Identity['role'];

export const ROLES: readonly Role[] = ['ncb', 'agency', 'secretariat', 'wg', 'ops', 'system'];
