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

import java.util.function.Predicate;

import io.etcddiscovery.registration.RegistrationStore.ExistingKey;

/**
 * What this process held before it lost its lease or key: the lease, and the create
 * revision of a key that may outlive it (etcd was unreachable, a new leader gave the
 * lease one more TTL). A key bound to that lease, or created at that revision and left
 * without a lease, is recognised as this process's own when registering again, and the
 * old lease is revoked once the new registration holds. A value: the registrar holds the
 * current one and replaces it whole.
 *
 * @param leaseId the lost lease, 0 for none
 * @param createRevision the create revision of the lost key, 0 for none
 * @author etcd-discovery authors
 */
record FormerKey(long leaseId, long createRevision) {

	/**
	 * Nothing held before.
	 */
	static final FormerKey NONE = new FormerKey(0, 0);

	/**
	 * Return what is remembered after a lost lease and the key that was bound to it.
	 * @param leaseId the lease
	 * @param createRevision the key's create revision
	 * @return what is remembered
	 */
	static FormerKey lease(long leaseId, long createRevision) {
		return new FormerKey(leaseId, createRevision);
	}

	/**
	 * Return what is remembered after a lost key whose lease is still held.
	 * @param createRevision the key's create revision
	 * @return what is remembered: this lease, if any, and the key
	 */
	FormerKey key(long createRevision) {
		return new FormerKey(this.leaseId, createRevision);
	}

	/**
	 * Return whether a lost lease may still hold a key in etcd.
	 * @return whether a lease is remembered
	 */
	boolean holdsLease() {
		return this.leaseId != 0;
	}

	/**
	 * Return whether the remembered lease is to be revoked now that the registration
	 * holds with the given one.
	 * @param currentLeaseId the lease now held
	 * @return whether another lease is remembered
	 */
	boolean isReplacedBy(long currentLeaseId) {
		return this.leaseId != 0 && this.leaseId != currentLeaseId;
	}

	/**
	 * Return what recognises a key bound to another lease than the current one as this
	 * process's: bound to the remembered lease, or created at the remembered or the
	 * current revision and left without a lease. The store may call it on its own
	 * threads.
	 * @param ownRevision the create revision of this process's current key, 0 for none
	 * @return the test
	 */
	Predicate<ExistingKey> isOwn(long ownRevision) {
		return (existing) -> (this.leaseId != 0 && existing.leaseId() == this.leaseId) || (existing.leaseId() == 0
				&& existing.createRevision() != 0
				&& (existing.createRevision() == ownRevision || existing.createRevision() == this.createRevision));
	}

}
