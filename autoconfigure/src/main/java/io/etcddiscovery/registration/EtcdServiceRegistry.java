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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The etcd operations of a registration: leases, and puts and deletes conditioned on the
 * key being this process's own, so that a stale process never overwrites or removes its
 * replacement. Every call has a deadline.
 *
 * @author etcd-discovery authors
 */
public class EtcdServiceRegistry {

	private final Client client;

	private final Duration requestTimeout;

	/**
	 * Create a new registry.
	 * @param client the etcd client
	 * @param requestTimeout the deadline of every call
	 */
	public EtcdServiceRegistry(Client client, Duration requestTimeout) {
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(requestTimeout, "'requestTimeout' must not be null");
		this.client = client;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Return the deadline of every call.
	 * @return the request timeout
	 */
	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	/**
	 * Grant a lease.
	 * @param ttl the requested time to live, rounded up to whole seconds
	 * @return the lease as granted, with the TTL etcd chose
	 */
	public GrantedLease grant(Duration ttl) {
		long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
		var response = await(this.client.getLeaseClient().grant(seconds), "granting a lease");
		return new GrantedLease(response.getID(), response.getTTL());
	}

	/**
	 * Revoke a lease, which deletes every key bound to it.
	 * @param leaseId the lease
	 */
	public void revoke(long leaseId) {
		revoke(leaseId, this.requestTimeout);
	}

	/**
	 * Revoke a lease, which deletes every key bound to it.
	 * @param leaseId the lease
	 * @param timeout the deadline of the call
	 */
	public void revoke(long leaseId, Duration timeout) {
		await(this.client.getLeaseClient().revoke(leaseId), "revoking lease " + Long.toHexString(leaseId), timeout);
	}

	/**
	 * Ask etcd how long a lease has left.
	 * @param leaseId the lease
	 * @param timeout the deadline of the call
	 * @return the seconds left, 0 or less when etcd no longer has the lease
	 */
	public long timeToLive(long leaseId, Duration timeout) {
		try {
			return await(this.client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT),
					"reading the TTL of lease " + Long.toHexString(leaseId), timeout)
				.getTTL();
		}
		catch (RegistrationException ex) {
			if (ex.getCause() != null && EtcdErrors.isLeaseNotFound(ex.getCause())) {
				return -1;
			}
			throw ex;
		}
	}

	/**
	 * Keep a lease alive on the client's shared keep-alive stream.
	 * @param leaseId the lease
	 * @param observer receives each renewal, and the end of the lease
	 * @return a handle that stops keeping the lease alive (without revoking it)
	 */
	public CloseableClient keepAlive(long leaseId, StreamObserver<LeaseKeepAliveResponse> observer) {
		return this.client.getLeaseClient().keepAlive(leaseId, observer);
	}

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
	 * @return the key as read back
	 * @throws InstanceIdConflictException if either key belongs to another process
	 */
	public RegisteredKey register(String key, String otherKey, byte[] value, long leaseId, Predicate<KeyValue> isOwn) {
		return register(key, otherKey, value, leaseId, isOwn, this.requestTimeout);
	}

	/**
	 * Put a key bound to a lease if it is absent or is this process's own, and read it
	 * back, as {@link #register(String, String, byte[], long, Predicate)} does, every
	 * call with the given deadline.
	 * @param key the key
	 * @param otherKey the instance's other key
	 * @param value the value
	 * @param leaseId the lease to bind the key to
	 * @param isOwn whether an existing key, bound to another lease, belongs to this
	 * process
	 * @param timeout the deadline of each call
	 * @return the key as read back
	 * @throws InstanceIdConflictException if either key belongs to another process
	 */
	public RegisteredKey register(String key, String otherKey, byte[] value, long leaseId, Predicate<KeyValue> isOwn,
			Duration timeout) {
		ByteSequence k = bytes(key);
		ByteSequence other = bytes(otherKey);
		ByteSequence v = ByteSequence.from(value);
		PutOption put = PutOption.builder().withLeaseId(leaseId).build();
		for (int attempt = 0; attempt < 3; attempt++) {
			TxnResponse created = await(this.client.getKVClient()
				.txn()
				.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)), new Cmp(other, Cmp.Op.EQUAL, CmpTarget.version(0)))
				.Then(Op.put(k, v, put))
				.Else(Op.get(k, GetOption.DEFAULT), Op.get(other, GetOption.DEFAULT))
				.commit(), "registering " + key, timeout);
			if (!created.isSucceeded()) {
				List<GetResponse> found = created.getGetResponses();
				KeyValue existing = first(found.subList(0, 1));
				KeyValue existingOther = first(found.subList(1, 2));
				if (existing == null && existingOther == null) {
					continue;
				}
				if (existingOther != null && existingOther.getLease() != leaseId && !isOwn.test(existingOther)) {
					throw new InstanceIdConflictException(otherKey, existingOther.getLease());
				}
				if (existing != null && existing.getLease() != leaseId && !isOwn.test(existing)) {
					throw new InstanceIdConflictException(key, existing.getLease());
				}
				boolean putNeeded = existing == null || existing.getLease() != leaseId
						|| !existing.getValue().equals(v);
				if (putNeeded || existingOther != null) {
					List<Op> ops = new ArrayList<>(2);
					if (existingOther != null) {
						ops.add(Op.delete(other, DeleteOption.DEFAULT));
					}
					if (putNeeded) {
						ops.add(Op.put(k, v, put));
					}
					TxnResponse replaced = await(this.client.getKVClient()
						.txn()
						.If(unchanged(k, existing), unchanged(other, existingOther))
						.Then(ops.toArray(Op[]::new))
						.commit(), "re-binding " + key, timeout);
					if (!replaced.isSucceeded()) {
						continue;
					}
				}
			}
			RegisteredKey registered = read(key, timeout);
			if (registered == null || registered.leaseId() != leaseId || !registered.value().equals(v)) {
				throw new RegistrationException("Key " + key + " changed while it was being registered");
			}
			return registered;
		}
		throw new RegistrationException("Key " + key + " kept changing while it was being registered");
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
	 * @return the new key as written, or {@code null} if the old key was no longer this
	 * process's or the new key existed, in which case nothing changed
	 */
	public @Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId, long createRevision) {
		return move(fromKey, toKey, value, leaseId, createRevision, this.requestTimeout);
	}

	/**
	 * Move this process's key to another key in one transaction, as
	 * {@link #move(String, String, byte[], long, long)} does, with the given deadline.
	 * @param fromKey this process's key
	 * @param toKey the key to move to, which must not exist
	 * @param value the new value
	 * @param leaseId the lease to bind the new key to
	 * @param createRevision the create revision of this process's key
	 * @param timeout the deadline of the call
	 * @return the new key as written, or {@code null} if nothing changed
	 */
	public @Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId, long createRevision,
			Duration timeout) {
		ByteSequence from = bytes(fromKey);
		ByteSequence to = bytes(toKey);
		ByteSequence v = ByteSequence.from(value);
		TxnResponse moved = await(this.client.getKVClient()
			.txn()
			.If(new Cmp(from, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)),
					new Cmp(to, Cmp.Op.EQUAL, CmpTarget.version(0)))
			.Then(Op.delete(from, DeleteOption.DEFAULT),
					Op.put(to, v, PutOption.builder().withLeaseId(leaseId).build()))
			.commit(), "moving " + fromKey + " to " + toKey, timeout);
		if (!moved.isSucceeded()) {
			return null;
		}
		long revision = moved.getHeader().getRevision();
		// The put created the key in this transaction: its create revision is the
		// transaction's.
		return new RegisteredKey(leaseId, revision, v, revision);
	}

	private static Cmp unchanged(ByteSequence key, @Nullable KeyValue seen) {
		return (seen != null) ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(seen.getCreateRevision()))
				: new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
	}

	/**
	 * Replace the value of this process's key, keeping its lease.
	 * @param key the key
	 * @param value the new value
	 * @param leaseId the lease the key is bound to
	 * @param createRevision the create revision of this process's key
	 * @return whether the key was still this process's and was updated
	 */
	public boolean update(String key, byte[] value, long leaseId, long createRevision) {
		return update(key, value, leaseId, createRevision, this.requestTimeout);
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
	public boolean update(String key, byte[] value, long leaseId, long createRevision, Duration timeout) {
		ByteSequence k = bytes(key);
		return await(this.client.getKVClient()
			.txn()
			.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
			.Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(leaseId).build()))
			.commit(), "updating " + key, timeout).isSucceeded();
	}

	/**
	 * Delete this process's key, leaving it alone if another process has replaced it.
	 * @param key the key
	 * @param createRevision the create revision of this process's key
	 * @return whether the key was deleted
	 */
	public boolean withdraw(String key, long createRevision) {
		ByteSequence k = bytes(key);
		return await(this.client.getKVClient()
			.txn()
			.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
			.Then(Op.delete(k, DeleteOption.DEFAULT))
			.commit(), "withdrawing " + key).isSucceeded();
	}

	/**
	 * Read a key.
	 * @param key the key
	 * @return the key, or {@code null} if it does not exist
	 */
	public @Nullable RegisteredKey read(String key) {
		return read(key, this.requestTimeout);
	}

	/**
	 * Read a key.
	 * @param key the key
	 * @param timeout the deadline of the call
	 * @return the key, or {@code null} if it does not exist
	 */
	public @Nullable RegisteredKey read(String key, Duration timeout) {
		GetResponse response = await(this.client.getKVClient().get(bytes(key)), "reading " + key, timeout);
		KeyValue kv = first(List.of(response));
		return (kv != null) ? new RegisteredKey(kv.getLease(), kv.getCreateRevision(), kv.getValue(),
				response.getHeader().getRevision()) : null;
	}

	/**
	 * Watch one key from a revision, requiring a leader so that a member without quorum
	 * ends the watch instead of going silent.
	 * @param key the key
	 * @param fromRevision the first revision to receive
	 * @param listener the listener, called on jetcd's threads
	 * @return the watcher, to close
	 */
	public Watch.Watcher watch(String key, long fromRevision, Watch.Listener listener) {
		WatchOption option = WatchOption.builder().withRevision(fromRevision).withRequireLeader(true).build();
		return this.client.getWatchClient().watch(bytes(key), option, listener);
	}

	private static @Nullable KeyValue first(List<GetResponse> responses) {
		for (GetResponse response : responses) {
			if (!response.getKvs().isEmpty()) {
				return response.getKvs().get(0);
			}
		}
		return null;
	}

	private <T> T await(CompletableFuture<T> future, String what) {
		return await(future, what, this.requestTimeout);
	}

	private <T> T await(CompletableFuture<T> future, String what, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new RegistrationException(what + " timed out after " + timeout.toMillis() + "ms");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new RegistrationException(what + " failed: " + EtcdErrors.describe(cause), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistrationException(what + " was interrupted");
		}
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * A lease as granted by etcd.
	 *
	 * @param id the lease id
	 * @param ttlSeconds the TTL etcd granted
	 */
	public record GrantedLease(long id, long ttlSeconds) {

	}

	/**
	 * A key as read from etcd.
	 *
	 * @param leaseId the lease the key is bound to, 0 for none
	 * @param createRevision the revision that created the key
	 * @param value the value
	 * @param revision the store's revision when it was read
	 */
	public record RegisteredKey(long leaseId, long createRevision, ByteSequence value, long revision) {

	}

}
