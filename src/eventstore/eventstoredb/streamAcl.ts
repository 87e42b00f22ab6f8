import { AccessDeniedError, WrongExpectedVersionError, type KurrentDBClient, type StreamACL } from '@kurrent/kurrentdb-client';
import { EventStoreSetupError } from '../EventStoreSetupError.js';

/**
 * The ACL each ledger stream gets before its first event. Under the
 * server's default `$userStreamAcl` any authenticated user may delete a
 * stream or rewrite its metadata (and with it its ACL, `$tb` or
 * `$maxCount`); a ledger's history must not be one request away from gone.
 * Reading and writing stay as the default ACL says.
 */
export const ledgerStreamAcl: StreamACL = { deleteRoles: ['$admins'], metaWriteRoles: ['$admins'] };

/** True when `acl` keeps deletes and metadata writes to `$admins` as `ledgerStreamAcl` does. */
export function keepsLedgerAcl(acl: StreamACL | undefined): boolean {
  const only = (roles: readonly string[] | undefined) => roles !== undefined && roles.every((role) => role === '$admins');
  return only(acl?.deleteRoles) && only(acl?.metaWriteRoles);
}

/**
 * Sets `ledgerStreamAcl` on a stream about to be created. The metadata is
 * written first, so no crash leaves a stream without it. A repeat finds it
 * set (a non-admin may not rewrite it, by design): fine when it is ours.
 */
export async function protectNewStream(client: KurrentDBClient, streamId: string): Promise<void> {
  try {
    await client.setStreamMetadata(streamId, { acl: ledgerStreamAcl }, { expectedRevision: 'no_stream', requiresLeader: true });
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError) && !(error instanceof AccessDeniedError)) throw error;
    const { metadata } = await client.getStreamMetadata(streamId, { requiresLeader: true });
    if (keepsLedgerAcl(metadata?.acl)) return;
    throw new EventStoreSetupError(
      error instanceof AccessDeniedError
        ? `the user may not write the metadata of ${streamId}: the ledger sets each new stream's ACL ($d, $mw for $admins); grant $mw in $userStreamAcl`
        : `${streamId} already has metadata that lets others delete it or rewrite its ACL; set $acl.$d and $acl.$mw to $admins on it`,
      error,
    );
  }
}
