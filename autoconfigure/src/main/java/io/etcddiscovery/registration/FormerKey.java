/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.registration;

import java.time.Duration;
import java.util.function.Predicate;

import io.etcddiscovery.etcd.EtcdCalls;
import io.etcddiscovery.registration.RegistrationStore.ExistingKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What this process held before it lost its lease or key: the lease, and the create
 * revision of a key that may outlive it (etcd was unreachable, a new leader gave the
 * lease one more TTL). A key bound to that lease, or created at that revision and left
 * without a lease, is recognised as this process's own when registering again, and the
 * old lease is revoked once the new registration holds. Touched on the registrar's
 * executor only.
 *
 * @author etcd-discovery authors
 */
final class FormerKey {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private long leaseId;

	private long createRevision;

	/**
	 * Remember a lost lease and the key that was bound to it.
	 * @param leaseId the lease
	 * @param createRevision the key's create revision
	 */
	void remember(long leaseId, long createRevision) {
		this.leaseId = leaseId;
		this.createRevision = createRevision;
	}

	/**
	 * Remember a lost key whose lease is still held.
	 * @param createRevision the key's create revision
	 */
	void rememberKey(long createRevision) {
		this.createRevision = createRevision;
	}

	/**
	 * Return whether a lost lease may still hold a key in etcd.
	 * @return whether a lease is remembered
	 */
	boolean holdsLease() {
		return this.leaseId != 0;
	}

	/**
	 * Return what recognises a key bound to another lease than the current one as this
	 * process's: bound to the remembered lease, or created at the remembered or the
	 * current revision and left without a lease. It reads a copy of what is remembered
	 * now, so that the store may call it on its own threads.
	 * @param ownRevision the create revision of this process's current key, 0 for none
	 * @return the test
	 */
	Predicate<ExistingKey> isOwn(long ownRevision) {
		long lease = this.leaseId;
		long created = this.createRevision;
		return (existing) -> (lease != 0 && existing.leaseId() == lease)
				|| (existing.leaseId() == 0 && existing.createRevision() != 0
						&& (existing.createRevision() == ownRevision || existing.createRevision() == created));
	}

	/**
	 * Revoke the remembered lease once the registration holds with another one, and
	 * forget it.
	 * @param currentLeaseId the lease now held
	 * @param store where to revoke it
	 * @param timeout the deadline of the call
	 */
	void release(long currentLeaseId, RegistrationStore store, Duration timeout) {
		long previous = this.leaseId;
		if (previous == 0 || previous == currentLeaseId) {
			return;
		}
		this.leaseId = 0;
		this.createRevision = 0;
		store.revokeAsync(previous, timeout).whenComplete((revoked, failure) -> {
			if (failure != null && logger.isDebugEnabled()) {
				// Most likely expired already; otherwise it expires by itself.
				logger.debug("Could not revoke lost lease %s: %s".formatted(Long.toHexString(previous),
						EtcdCalls.unwrap(failure).getMessage()));
			}
		});
	}

}
