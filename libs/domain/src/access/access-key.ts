// PLACEHOLDER until wip/keystore merges (its version wins).
export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export interface AccessKeyRecord {
  keyId: string;
  secretHash: string;
  name: string;
  role: Role;
  sites: string[] | '*';
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}
