import { StaffRole } from '../vocabulary';

/**
 * Who is calling, as a verified access token says: the account, its role and its scope. Police
 * roles act for a police zone; a board member for the BINs whose board it sits on.
 */
export interface Principal {
  accountId: string;
  role: StaffRole;
  /** The police zone (bins.police_zone) an operator or supervisor acts for. */
  policeZone?: string;
  /** The BINs a board member manages. */
  binIds: string[];
}
