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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.etcddiscovery.etcd.EtcdCalls;
import org.jspecify.annotations.Nullable;

/**
 * Where registrations are kept: leases, and puts and deletes conditioned on the key being
 * this process's own, so that a stale process never overwrites or removes its
 * replacement. {@link EtcdRegistrationStore} keeps them in etcd; the
 * {@link InstanceRegistrar} decides what to call when.
 * <p>
 * Every call has a deadline and fails with an
 * {@link io.etcddiscovery.etcd.EtcdCallException} saying which call failed and why. The
 * calls of registering and withdrawing come as futures, so that a registrar waits for
 * etcd without holding a thread; the others wait for their answer.
 *
 * @author etcd-discovery authors
 */
public interface RegistrationStore {

	/**
	 * Return the deadline of every call made without one.
	 * @return the request timeout
	 */
	Duration getRequestTimeout();

	/**
	 * Return the endpoints of the etcd cluster this store writes to, for the report of a
	 * failed registration.
	 * @return the endpoints, empty when they are not known
	 */
	default List<String> getEndpoints() {
		return List.of();
	}

	/**
	 * Grant a lease, within the request timeout.
	 * @param ttl the requested time to live, rounded up to whole seconds
	 * @return the lease as granted, with the TTL the store chose
	 */
	CompletableFuture<GrantedLease> grantAsync(Duration ttl);

	/**
	 * Grant a lease and wait for it, within the request timeout.
	 * @param ttl the requested time to live, rounded up to whole seconds
	 * @return the lease as granted, with the TTL the store chose
	 */
	default GrantedLease grant(Duration ttl) {
		return EtcdCalls.join(grantAsync(ttl));
	}

	/**
	 * Revoke a lease, which deletes every key bound to it.
	 * @param leaseId the lease
	 * @param timeout the deadline of the call
	 * @return completes when the lease is revoked
	 */
	CompletableFuture<Void> revokeAsync(long leaseId, Duration timeout);

	/**
	 * Revoke a lease and wait for it.
	 * @param leaseId the lease
	 * @param timeout the deadline of the call
	 */
	default void revoke(long leaseId, Duration timeout) {
		EtcdCalls.join(revokeAsync(leaseId, timeout));
	}

	/**
	 * Revoke a lease within the request timeout.
	 * @param leaseId the lease
	 */
	default void revoke(long leaseId) {
		revoke(leaseId, getRequestTimeout());
	}

	/**
	 * Ask how long a lease has left.
	 * @param leaseId the lease
	 * @param timeout the deadline of the call
	 * @return the seconds left, 0 or less when the store no longer has the lease
	 */
	long timeToLive(long leaseId, Duration timeout);

	/**
	 * Keep a lease alive until the returned handle is closed (which does not revoke it).
	 * @param leaseId the lease
	 * @param listener told of each renewal, of a lapse and of the end of the lease, on
	 * the store's threads
	 * @return the handle
	 */
	AutoCloseable keepAlive(long leaseId, LeaseListener listener);

	/**
	 * Put a key bound to a lease if it is absent or is this process's own, and read it
	 * back. The instance's other key (its parked key while the instance is UP, its
	 * instance key otherwise) must not belong to another process either, and is deleted
	 * in the same transaction when it is this process's, so that the instance is never
	 * registered twice.
	 * @param key the key
	 * @param otherKey the instance's other key
	 * @param value the value
	 * @param leaseId the lease to bind the key to
	 * @param isOwn whether an existing key, bound to another lease, belongs to this
	 * process
	 * @param timeout the deadline of each call
	 * @return the key as read back; failed with an {@link InstanceIdConflictException} if
	 * either key belongs to another process
	 */
	CompletableFuture<RegisteredKey> registerAsync(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn, Duration timeout);

	/**
	 * Register a key as
	 * {@link #registerAsync(String, String, byte[], long, Predicate, Duration)} does and
	 * wait for it.
	 * @param key the key
	 * @param otherKey the instance's other key
	 * @param value the value
	 * @param leaseId the lease to bind the key to
	 * @param isOwn whether an existing key belongs to this process
	 * @param timeout the deadline of each call
	 * @return the key as read back
	 * @throws InstanceIdConflictException if either key belongs to another process
	 */
	default RegisteredKey register(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn, Duration timeout) {
		return EtcdCalls.join(registerAsync(key, otherKey, value, leaseId, isOwn, timeout));
	}

	/**
	 * Register a key as
	 * {@link #registerAsync(String, String, byte[], long, Predicate, Duration)} does,
	 * within the request timeout, and wait for it.
	 * @param key the key
	 * @param otherKey the instance's other key
	 * @param value the value
	 * @param leaseId the lease to bind the key to
	 * @param isOwn whether an existing key belongs to this process
	 * @return the key as read back
	 */
	default RegisteredKey register(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn) {
		return register(key, otherKey, value, leaseId, isOwn, getRequestTimeout());
	}

	/**
	 * Move this process's key to another key in one transaction, with a new value and the
	 * same lease: the instance leaves the old key (and Go clients' view, when the old key
	 * is its instance key) at the same revision as it appears under the new one.
	 * @param fromKey this process's key
	 * @param toKey the key to move to, which must not exist
	 * @param value the new value
	 * @param leaseId the lease to bind the new key to
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call
	 * @return the new key as written, or {@code null} if the old key was no longer this
	 * process's or the new key existed, in which case nothing changed
	 */
	@Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId, long createRevision, Duration timeout);

	/**
	 * Move a key as {@link #move(String, String, byte[], long, long, Duration)} does,
	 * without waiting: what a withdrawal does, of which a process may have thousands at
	 * once.
	 * @param fromKey this process's key
	 * @param toKey the key to move to, which must not exist
	 * @param value the new value
	 * @param leaseId the lease to bind the new key to
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call, once it is made
	 * @return completes with the new key, or {@code null} if nothing changed
	 */
	default CompletableFuture<@Nullable RegisteredKey> moveAsync(String fromKey, String toKey, byte[] value,
			long leaseId, long createRevision, Duration timeout) {
		try {
			return CompletableFuture.completedFuture(move(fromKey, toKey, value, leaseId, createRevision, timeout));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Move a key as {@link #move(String, String, byte[], long, long, Duration)} does,
	 * within the request timeout.
	 * @param fromKey this process's key
	 * @param toKey the key to move to
	 * @param value the new value
	 * @param leaseId the lease to bind the new key to
	 * @param createRevision the create revision of this process's key
	 * @return the new key, or {@code null} if nothing changed
	 */
	default @Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId,
			long createRevision) {
		return move(fromKey, toKey, value, leaseId, createRevision, getRequestTimeout());
	}

	/**
	 * Replace the value of this process's key, keeping its lease.
	 * @param key the key
	 * @param value the new value
	 * @param leaseId the lease the key is bound to
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call
	 * @return whether the key was still this process's and was updated
	 */
	boolean update(String key, byte[] value, long leaseId, long createRevision, Duration timeout);

	/**
	 * Replace the value of this process's key within the request timeout.
	 * @param key the key
	 * @param value the new value
	 * @param leaseId the lease the key is bound to
	 * @param createRevision the create revision of this process's key
	 * @return whether the key was updated
	 */
	default boolean update(String key, byte[] value, long leaseId, long createRevision) {
		return update(key, value, leaseId, createRevision, getRequestTimeout());
	}

	/**
	 * Delete this process's key, leaving it alone if another process has replaced it.
	 * @param key the key
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call
	 * @return whether the key was deleted
	 */
	CompletableFuture<Boolean> withdrawAsync(String key, long createRevision, Duration timeout);

	/**
	 * Delete this process's key and wait for it.
	 * @param key the key
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call
	 * @return whether the key was deleted
	 */
	default boolean withdraw(String key, long createRevision, Duration timeout) {
		return EtcdCalls.join(withdrawAsync(key, createRevision, timeout));
	}

	/**
	 * Delete this process's key within the request timeout.
	 * @param key the key
	 * @param createRevision the create revision of this process's key
	 * @return whether the key was deleted
	 */
	default boolean withdraw(String key, long createRevision) {
		return withdraw(key, createRevision, getRequestTimeout());
	}

	/**
	 * Read a key.
	 * @param key the key
	 * @param timeout the deadline of the call
	 * @return the key, or {@code null} if it does not exist
	 */
	@Nullable RegisteredKey read(String key, Duration timeout);

	/**
	 * Read a key within the request timeout.
	 * @param key the key
	 * @return the key, or {@code null} if it does not exist
	 */
	default @Nullable RegisteredKey read(String key) {
		return read(key, getRequestTimeout());
	}

	/**
	 * Watch one key from a revision until the returned handle is closed.
	 * @param key the key
	 * @param fromRevision the first revision to receive
	 * @param listener told of each change and of the end of the watch, on the store's
	 * threads
	 * @return the handle
	 */
	AutoCloseable watch(String key, long fromRevision, KeyListener listener);

	/**
	 * Told what happens to a lease that is kept alive.
	 */
	interface LeaseListener {

		/**
		 * The lease was renewed.
		 * @param ttlSeconds the TTL it was renewed for
		 */
		void renewed(long ttlSeconds);

		/**
		 * No renewal came within the lease's TTL of the last one, and the store stopped
		 * keeping the lease alive: etcd may have ended it, or may only be slow to answer
		 * or out of reach. Only {@link #ended(String)} says that the lease is gone.
		 */
		void lapsed();

		/**
		 * The lease ended: etcd says it expired or was revoked.
		 * @param reason why, in a few words
		 */
		void ended(String reason);

	}

	/**
	 * Told what happens to a watched key.
	 */
	interface KeyListener {

		/**
		 * The key was deleted.
		 */
		void deleted();

		/**
		 * The key was written.
		 * @param written the key as written
		 */
		void put(ExistingKey written);

		/**
		 * The watch ended.
		 * @param reason why, in one line
		 */
		void ended(String reason);

	}

	/**
	 * A lease as granted.
	 *
	 * @param id the lease id
	 * @param ttlSeconds the TTL granted
	 */
	record GrantedLease(long id, long ttlSeconds) {

	}

	/**
	 * A key as found: whose it is.
	 *
	 * @param leaseId the lease the key is bound to, 0 for none
	 * @param createRevision the revision that created the key
	 */
	record ExistingKey(long leaseId, long createRevision) {

	}

	/**
	 * A key as read or written.
	 *
	 * @param leaseId the lease the key is bound to, 0 for none
	 * @param createRevision the revision that created the key
	 * @param value the value
	 * @param revision the store's revision when it was read or written
	 */
	record RegisteredKey(long leaseId, long createRevision, byte[] value, long revision) {

	}

}
