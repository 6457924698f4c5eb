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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.etcddiscovery.etcd.EtcdCallException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RegistrationStore} in memory, with etcd's semantics where the registrar relies
 * on them (create revisions, keys deleted with their lease, watches told of every write
 * and delete), and hooks for a test to act as etcd or another process would: expire a
 * lease, delete or replace a key, fail calls.
 *
 * @author etcd-discovery authors
 */
class InMemoryRegistrationStore implements RegistrationStore {

	private final Map<String, Entry> keys = new HashMap<>();

	private final Map<Long, Long> leases = new HashMap<>();

	private final Map<Long, LeaseListener> keepAlives = new HashMap<>();

	private final Set<Long> revokedWhileKeptAlive = new HashSet<>();

	private final Map<String, List<KeyListener>> watches = new HashMap<>();

	private final AtomicInteger failures = new AtomicInteger();

	private long revision = 1;

	private long nextLease = 0x100;

	private final List<String> calls = new ArrayList<>();

	private boolean keepAlivesAnswered = true;

	@Override
	public Duration getRequestTimeout() {
		return Duration.ofSeconds(1);
	}

	@Override
	public List<String> getEndpoints() {
		return List.of("memory://registrations");
	}

	/**
	 * Make the next calls fail as if etcd did not answer.
	 * @param count how many calls fail
	 */
	void failNextCalls(int count) {
		this.failures.set(count);
	}

	/**
	 * Whether a new keep-alive is renewed at once (the default) or waits for a test to
	 * renew it, as when etcd answers late.
	 * @param answered whether new keep-alives are renewed at once
	 */
	synchronized void answerKeepAlives(boolean answered) {
		this.keepAlivesAnswered = answered;
	}

	synchronized List<String> calls() {
		return List.copyOf(this.calls);
	}

	synchronized @Nullable RegisteredKey key(String key) {
		Entry entry = this.keys.get(key);
		return (entry != null) ? entry.registered(this.revision) : null;
	}

	synchronized @Nullable String value(String key) {
		Entry entry = this.keys.get(key);
		return (entry != null) ? new String(entry.value) : null;
	}

	synchronized boolean hasLease(long leaseId) {
		return this.leases.containsKey(leaseId);
	}

	/**
	 * Expire a lease, as etcd does when it is not renewed: its keys are deleted and its
	 * keep-alive ends.
	 * @param leaseId the lease
	 */
	void expire(long leaseId) {
		LeaseListener keepAlive;
		synchronized (this) {
			removeLease(leaseId);
			keepAlive = this.keepAlives.remove(leaseId);
		}
		if (keepAlive != null) {
			keepAlive.ended("expired or revoked");
		}
	}

	/**
	 * Delete a key as another process would.
	 * @param key the key
	 */
	void deleteByOther(String key) {
		List<KeyListener> listeners;
		synchronized (this) {
			this.keys.remove(key);
			this.revision++;
			listeners = listeners(key);
		}
		listeners.forEach(KeyListener::deleted);
	}

	/**
	 * Delete a key without telling its watches, as when a watch missed the delete.
	 * @param key the key
	 */
	synchronized void deleteByOtherUnwatched(String key) {
		this.keys.remove(key);
		this.revision++;
	}

	/**
	 * Create a key as another process would, bound to a lease of its own.
	 * @param key the key
	 * @param value the value
	 * @return the other process's lease
	 */
	synchronized long putByOther(String key, String value) {
		long lease = this.nextLease++;
		this.leases.put(lease, 30L);
		put(key, value.getBytes(), lease);
		return lease;
	}

	@Override
	public CompletableFuture<GrantedLease> grantAsync(Duration ttl) {
		return async(() -> grantNow(ttl));
	}

	private synchronized GrantedLease grantNow(Duration ttl) {
		call("grant");
		long id = this.nextLease++;
		this.leases.put(id, ttl.toSeconds());
		return new GrantedLease(id, ttl.toSeconds());
	}

	@Override
	public CompletableFuture<Void> revokeAsync(long leaseId, Duration timeout) {
		return async(() -> {
			revokeNow(leaseId);
			return null;
		});
	}

	private void revokeNow(long leaseId) {
		synchronized (this) {
			call("revoke " + Long.toHexString(leaseId));
			if (this.keepAlives.remove(leaseId) != null) {
				this.revokedWhileKeptAlive.add(leaseId);
			}
		}
		removeLease(leaseId);
	}

	@Override
	public synchronized long timeToLive(long leaseId, Duration timeout) {
		call("timeToLive");
		Long ttl = this.leases.get(leaseId);
		return (ttl != null) ? ttl : -1;
	}

	/**
	 * Return whether a lease was still kept alive when it was revoked.
	 * @param leaseId the lease
	 * @return {@code true} if its keep-alive was open at its revocation
	 */
	synchronized boolean revokedWhileKeptAlive(long leaseId) {
		return this.revokedWhileKeptAlive.contains(leaseId);
	}

	/**
	 * Return the listener of a lease's current keep-alive.
	 * @param leaseId the lease
	 * @return the listener, or {@code null} when the lease is not kept alive
	 */
	synchronized @Nullable LeaseListener keepAliveListener(long leaseId) {
		return this.keepAlives.get(leaseId);
	}

	@Override
	public synchronized AutoCloseable keepAlive(long leaseId, LeaseListener listener) {
		this.keepAlives.put(leaseId, listener);
		if (this.keepAlivesAnswered) {
			listener.renewed(this.leases.getOrDefault(leaseId, 0L));
		}
		return () -> {
			synchronized (this) {
				this.keepAlives.remove(leaseId, listener);
			}
		};
	}

	@Override
	public CompletableFuture<RegisteredKey> registerAsync(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn, Duration timeout) {
		return async(() -> registerNow(key, otherKey, value, leaseId, isOwn));
	}

	private RegisteredKey registerNow(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn) {
		List<KeyListener> deleted;
		synchronized (this) {
			call("register " + key);
			if (!this.leases.containsKey(leaseId)) {
				throw new EtcdCallException("registering " + key + " failed: NOT_FOUND: requested lease not found",
						new IllegalStateException("requested lease not found"));
			}
			Entry existing = this.keys.get(key);
			Entry other = this.keys.get(otherKey);
			if (other != null && other.lease != leaseId && !isOwn.test(other.existing())) {
				throw new InstanceIdConflictException(otherKey, other.lease);
			}
			if (existing != null && existing.lease != leaseId && !isOwn.test(existing.existing())) {
				throw new InstanceIdConflictException(key, existing.lease);
			}
			deleted = List.of();
			if (other != null) {
				this.keys.remove(otherKey);
				deleted = listeners(otherKey);
			}
			if (existing == null || existing.lease != leaseId || !Arrays.equals(existing.value, value)) {
				put(key, value, leaseId);
			}
		}
		deleted.forEach(KeyListener::deleted);
		return key(key);
	}

	@Override
	public synchronized @Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId,
			long createRevision, Duration timeout) {
		call("move " + fromKey + " " + toKey);
		Entry from = this.keys.get(fromKey);
		if (from == null || from.createRevision != createRevision || this.keys.containsKey(toKey)) {
			return null;
		}
		this.keys.remove(fromKey);
		this.revision++;
		Entry moved = new Entry(value, leaseId, this.revision);
		this.keys.put(toKey, moved);
		return moved.registered(this.revision);
	}

	@Override
	public synchronized boolean update(String key, byte[] value, long leaseId, long createRevision, Duration timeout) {
		call("update " + key);
		Entry entry = this.keys.get(key);
		if (entry == null || entry.createRevision != createRevision) {
			return false;
		}
		this.revision++;
		entry.value = value;
		return true;
	}

	@Override
	public CompletableFuture<Boolean> withdrawAsync(String key, long createRevision, Duration timeout) {
		return async(() -> withdrawNow(key, createRevision));
	}

	private synchronized boolean withdrawNow(String key, long createRevision) {
		call("withdraw " + key);
		Entry entry = this.keys.get(key);
		if (entry == null || entry.createRevision != createRevision) {
			return false;
		}
		this.keys.remove(key);
		this.revision++;
		return true;
	}

	@Override
	public synchronized @Nullable RegisteredKey read(String key, Duration timeout) {
		call("read " + key);
		return key(key);
	}

	@Override
	public synchronized AutoCloseable watch(String key, long fromRevision, KeyListener listener) {
		this.watches.computeIfAbsent(key, (k) -> new ArrayList<>()).add(listener);
		return () -> {
			synchronized (this) {
				this.watches.getOrDefault(key, new ArrayList<>()).remove(listener);
			}
		};
	}

	private static <T> CompletableFuture<T> async(Supplier<T> call) {
		try {
			return CompletableFuture.completedFuture(call.get());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void call(String what) {
		if (this.failures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new EtcdCallException(what + " failed: UNAVAILABLE: connection refused", null);
		}
		this.calls.add(what);
	}

	private void put(String key, byte[] value, long leaseId) {
		Entry existing = this.keys.get(key);
		this.revision++;
		long created = (existing != null) ? existing.createRevision : this.revision;
		Entry entry = new Entry(value, leaseId, created);
		this.keys.put(key, entry);
		listeners(key).forEach((listener) -> listener.put(entry.existing()));
	}

	private void removeLease(long leaseId) {
		List<KeyListener> deleted = new ArrayList<>();
		synchronized (this) {
			this.leases.remove(leaseId);
			for (String key : List.copyOf(this.keys.keySet())) {
				if (this.keys.get(key).lease == leaseId) {
					this.keys.remove(key);
					this.revision++;
					deleted.addAll(listeners(key));
				}
			}
		}
		deleted.forEach(KeyListener::deleted);
	}

	private List<KeyListener> listeners(String key) {
		return List.copyOf(this.watches.getOrDefault(key, List.of()));
	}

	private static final class Entry {

		private byte[] value;

		private final long lease;

		private final long createRevision;

		Entry(byte[] value, long lease, long createRevision) {
			this.value = value;
			this.lease = lease;
			this.createRevision = createRevision;
		}

		ExistingKey existing() {
			return new ExistingKey(this.lease, this.createRevision);
		}

		RegisteredKey registered(long revision) {
			return new RegisteredKey(this.lease, this.createRevision, this.value, revision);
		}

	}

}
