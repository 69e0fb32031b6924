/**
 * The organization's members by email, as the file can name them. Emails
 * are compared normalized, so two members whose addresses differ only in
 * letter case (or Unicode form) share one key: such an email names nobody
 * for sure, and resolution and `export` both fall back to user ids.
 */
import type { OrgMember } from '../model/org.js';
import { parseMemberRef } from '../model/member-refs.js';
import { normalizeEmail } from '../model/normalize.js';

export class OrgEmails {
  private readonly membersByEmail = new Map<string, OrgMember[]>();

  constructor(members: Iterable<OrgMember>) {
    for (const member of members) {
      if (!member.email) continue;
      const key = normalizeEmail(member.email);
      const holders = this.membersByEmail.get(key);
      if (holders) holders.push(member);
      else this.membersByEmail.set(key, [member]);
    }
  }

  /** Every member whose email normalizes to `email` (itself normalized): more than one means ambiguous. */
  holders(email: string): readonly OrgMember[] {
    return this.membersByEmail.get(email) ?? [];
  }

  emails(): IterableIterator<string> {
    return this.membersByEmail.keys();
  }

  /**
   * How a file names `member` so that loading and resolving the file finds
   * them again: their email when it is a valid member reference held by no
   * one else, else their user id.
   */
  fileRefOf(member: OrgMember): string {
    if (!member.email) return member.userId;
    const parsed = parseMemberRef(member.email);
    if (!('ref' in parsed) || parsed.ref.kind !== 'email') return member.userId;
    return this.holders(parsed.ref.ref).length === 1 ? member.email : member.userId;
  }
}
