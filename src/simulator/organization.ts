/**
 * The organization's members: who may be added to workspaces and assigned
 * to guardrails at all.
 */
import { iso, sortedByCreation } from './chronology.js';
import { IdSequence } from './ids.js';
import type { OrgMemberRecord } from './records.js';
import { notOrganizationMember } from './refusals.js';
import type { StateMember } from './state.js';

export class Organization {
  private readonly members = new Map<string, OrgMemberRecord>();
  /** Rebuilt after a member joins or leaves; its identity tells caches built on it that they are stale. */
  private sorted: OrgMemberRecord[] | undefined;
  private readonly defaultMembershipIds = new IdSequence('64656600');

  constructor(
    members: readonly StateMember[],
    private readonly stateCreatedAt: string,
  ) {
    for (const member of members) this.insert(member);
  }

  list(): readonly OrgMemberRecord[] {
    this.sorted ??= sortedByCreation(this.members.values());
    return this.sorted;
  }

  get(userId: string): OrgMemberRecord | undefined {
    return this.members.get(userId);
  }

  has(userId: string): boolean {
    return this.members.has(userId);
  }

  /** The member, or 400 `not_organization_member`. */
  require(userId: string): OrgMemberRecord {
    const member = this.members.get(userId);
    if (member === undefined) throw notOrganizationMember(userId);
    return member;
  }

  /** "user_x (alice@corp.example)": how refusals name a user. */
  describe(userId: string): string {
    const member = this.members.get(userId);
    return member === undefined ? userId : `${userId} (${member.email})`;
  }

  /** A person joins; throws an Error when the id or the email (in any case) is taken. */
  join(member: StateMember): OrgMemberRecord {
    if (this.members.has(member.id)) throw new Error(`${member.id} is already an organization member`);
    const email = member.email.toLowerCase();
    for (const existing of this.members.values()) {
      if (existing.email.toLowerCase() === email) throw new Error(`${member.email} is already the email of ${existing.id}`);
    }
    return this.insert(member);
  }

  leave(userId: string): void {
    this.require(userId);
    this.members.delete(userId);
    this.sorted = undefined;
  }

  private insert(member: StateMember): OrgMemberRecord {
    const record: OrgMemberRecord = {
      id: member.id,
      email: member.email,
      firstName: member.first_name,
      lastName: member.last_name,
      role: member.role,
      scimManaged: member.scim_managed ?? false,
      createdAt: iso(member.created_at, this.stateCreatedAt),
      defaultMembershipId: this.defaultMembershipIds.next(),
    };
    this.members.set(record.id, record);
    this.sorted = undefined;
    return record;
  }
}
