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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcddiscovery.etcd.EtcdCallException;
import io.etcddiscovery.etcd.EtcdCalls;
import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.etcd.InFlightLimit;
import io.etcddiscovery.etcd.layout.LayoutPublisher;
import io.etcddiscovery.etcd.layout.PublishedKey;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link RegistrationStore} of an etcd cluster, through a jetcd {@link Client}:
 * leases on the client's shared keep-alive stream, and transactions conditioned on the
 * key being this process's own. Every call has a deadline.
 *
 * @author etcd-discovery authors
 */
public class EtcdRegistrationStore implements RegistrationStore {

	private static final Log logger = LogFactory.getLog(EtcdRegistrationStore.class);

	static final int MAX_RELEASE_CALLS_IN_FLIGHT = 128;

	private final Client client;

	private final Duration requestTimeout;

	private final List<String> endpoints;

	private final @Nullable LayoutPublisher layouts;

	// The calls that give up what a registration holds (the moves, deletes and
	// revocations of withdrawals, the revocations of leases the registrar lets go): a
	// process that withdraws thousands of registrations at once (its shutdown) keeps
	// this many in flight and the others waiting, holding no thread. Unbounded, 10,000 at
	// once were refused by etcd with "too many requests" by the thousand (its applied
	// index fell 5,000 entries behind), and their keys left to expire with their leases;
	// 16 at a time, as many as the workers, took 41 s (docs/benchmarks.md).
	private final InFlightLimit releaseCalls = new InFlightLimit(MAX_RELEASE_CALLS_IN_FLIGHT);

	// Instance key -> the keys of other layouts last written beside it, deleted with it.
	private final Map<String, List<String>> published = new ConcurrentHashMap<>();

	/**
	 * Create a new store whose endpoints are not known.
	 * @param client the etcd client
	 * @param requestTimeout the deadline of every call made without one
	 */
	public EtcdRegistrationStore(Client client, Duration requestTimeout) {
		this(client, requestTimeout, List.of());
	}

	/**
	 * Create a new store.
	 * @param client the etcd client
	 * @param requestTimeout the deadline of every call made without one
	 * @param endpoints the endpoints the client connects to, named when a registration
	 * fails start-up
	 */
	public EtcdRegistrationStore(Client client, Duration requestTimeout, List<String> endpoints) {
		this(client, requestTimeout, endpoints, null);
	}

	/**
	 * Create a new store that also writes the instance in other registries' layouts:
	 * beside the instance key, while it holds an UP instance, in the same transactions
	 * and on the same lease, and deletes them with it.
	 * @param client the etcd client
	 * @param requestTimeout the deadline of every call made without one
	 * @param endpoints the endpoints the client connects to, named when a registration
	 * fails start-up
	 * @param layouts derives the other layouts' keys from the instance key and value, or
	 * {@code null} to write the instance key only
	 */
	public EtcdRegistrationStore(Client client, Duration requestTimeout, List<String> endpoints,
			@Nullable LayoutPublisher layouts) {
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(requestTimeout, "'requestTimeout' must not be null");
		Assert.notNull(endpoints, "'endpoints' must not be null");
		this.client = client;
		this.requestTimeout = requestTimeout;
		this.endpoints = List.copyOf(endpoints);
		this.layouts = layouts;
	}

	@Override
	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	@Override
	public List<String> getEndpoints() {
		return this.endpoints;
	}

	@Override
	public CompletableFuture<GrantedLease> grantAsync(Duration ttl) {
		long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
		return call(() -> this.client.getLeaseClient().grant(seconds), "granting a lease", this.requestTimeout)
			.thenApply((response) -> new GrantedLease(response.getID(), response.getTTL()));
	}

	@Override
	public CompletableFuture<Void> revokeAsync(long leaseId, Duration timeout) {
		return release(() -> this.client.getLeaseClient().revoke(leaseId),
				"revoking lease " + Long.toHexString(leaseId), timeout)
			.thenApply((response) -> null);
	}

	@Override
	public long timeToLive(long leaseId, Duration timeout) {
		try {
			return EtcdCalls
				.await(this.client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT),
						"reading the TTL of lease " + Long.toHexString(leaseId), timeout)
				.getTTL();
		}
		catch (EtcdCallException ex) {
			if (ex.getCause() != null && EtcdErrors.isLeaseNotFound(ex.getCause())) {
				return -1;
			}
			throw ex;
		}
	}

	@Override
	public AutoCloseable keepAlive(long leaseId, LeaseListener listener) {
		CloseableClient keeper = this.client.getLeaseClient().keepAlive(leaseId, new KeepAliveObserver(listener));
		return keeper::close;
	}

	@Override
	public CompletableFuture<RegisteredKey> registerAsync(String key, String otherKey, byte[] value, long leaseId,
			Predicate<ExistingKey> isOwn, Duration timeout) {
		return new Registration(key, otherKey, value, leaseId, isOwn, timeout).attempt(0);
	}

	@Override
	public @Nullable RegisteredKey move(String fromKey, String toKey, byte[] value, long leaseId, long createRevision,
			Duration timeout) {
		Companions companions = companions(toKey, value, leaseId, fromKey);
		TxnResponse response = EtcdCalls.await(moveTxn(fromKey, toKey, value, leaseId, createRevision, companions),
				"moving " + fromKey + " to " + toKey, timeout);
		return moved(response, companions, value, leaseId);
	}

	@Override
	public CompletableFuture<@Nullable RegisteredKey> moveAsync(String fromKey, String toKey, byte[] value,
			long leaseId, long createRevision, Duration timeout) {
		Companions companions = companions(toKey, value, leaseId, fromKey);
		return release(() -> moveTxn(fromKey, toKey, value, leaseId, createRevision, companions),
				"moving " + fromKey + " to " + toKey, timeout)
			.thenApply((response) -> moved(response, companions, value, leaseId));
	}

	// A call of those that give up what a registration holds, once fewer than the limit
	// are in flight.
	private <T> CompletableFuture<T> release(Supplier<CompletableFuture<T>> request, String what, Duration timeout) {
		return this.releaseCalls.submit(() -> call(request, what, timeout));
	}

	private CompletableFuture<TxnResponse> moveTxn(String fromKey, String toKey, byte[] value, long leaseId,
			long createRevision, Companions companions) {
		ByteSequence from = bytes(fromKey);
		ByteSequence to = bytes(toKey);
		List<Op> ops = new ArrayList<>();
		ops.add(Op.delete(from, DeleteOption.DEFAULT));
		ops.add(Op.put(to, ByteSequence.from(value), PutOption.builder().withLeaseId(leaseId).build()));
		ops.addAll(companions.ops());
		return this.client.getKVClient()
			.txn()
			.If(new Cmp(from, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)),
					new Cmp(to, Cmp.Op.EQUAL, CmpTarget.version(0)))
			.Then(ops.toArray(Op[]::new))
			.commit();
	}

	private static @Nullable RegisteredKey moved(TxnResponse response, Companions companions, byte[] value,
			long leaseId) {
		if (!response.isSucceeded()) {
			return null;
		}
		companions.written();
		long revision = response.getHeader().getRevision();
		// The put created the key in this transaction: its create revision is the
		// transaction's.
		return new RegisteredKey(leaseId, revision, value, revision);
	}

	@Override
	public boolean update(String key, byte[] value, long leaseId, long createRevision, Duration timeout) {
		ByteSequence k = bytes(key);
		Companions companions = companions(key, value, leaseId, null);
		List<Op> ops = new ArrayList<>();
		ops.add(Op.put(k, ByteSequence.from(value), PutOption.builder().withLeaseId(leaseId).build()));
		ops.addAll(companions.ops());
		boolean updated = EtcdCalls
			.await(this.client.getKVClient()
				.txn()
				.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
				.Then(ops.toArray(Op[]::new))
				.commit(), "updating " + key, timeout)
			.isSucceeded();
		if (updated) {
			companions.written();
		}
		return updated;
	}

	@Override
	public CompletableFuture<Boolean> withdrawAsync(String key, long createRevision, Duration timeout) {
		ByteSequence k = bytes(key);
		Companions companions = companions(key, null, 0, key);
		List<Op> ops = new ArrayList<>();
		ops.add(Op.delete(k, DeleteOption.DEFAULT));
		ops.addAll(companions.ops());
		Supplier<CompletableFuture<TxnResponse>> txn = () -> this.client.getKVClient()
			.txn()
			.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
			.Then(ops.toArray(Op[]::new))
			.commit();
		return release(txn, "withdrawing " + key, timeout).thenApply((withdrawn) -> {
			if (withdrawn.isSucceeded()) {
				companions.written();
			}
			return withdrawn.isSucceeded();
		});
	}

	@Override
	public @Nullable RegisteredKey read(String key, Duration timeout) {
		GetResponse response = EtcdCalls.await(this.client.getKVClient().get(bytes(key)), "reading " + key, timeout);
		KeyValue kv = first(List.of(response));
		return (kv != null) ? new RegisteredKey(kv.getLease(), kv.getCreateRevision(), kv.getValue().getBytes(),
				response.getHeader().getRevision()) : null;
	}

	/**
	 * Watch one key from a revision, requiring a leader so that a member without quorum
	 * ends the watch instead of going silent.
	 */
	@Override
	public AutoCloseable watch(String key, long fromRevision, KeyListener listener) {
		WatchOption option = WatchOption.builder().withRevision(fromRevision).withRequireLeader(true).build();
		Watch.Watcher watcher = this.client.getWatchClient().watch(bytes(key), option, new KeyWatchListener(listener));
		return watcher::close;
	}

	/**
	 * Return the operations on other layouts' keys that go with a write of this
	 * registration: puts of what a key holding an UP instance publishes, deletes of what
	 * was published beside another key the write replaces.
	 * @param key the key written, or deleted when {@code value} is {@code null}
	 * @param value its value, or {@code null} for a delete
	 * @param leaseId the lease of the write
	 * @param replaced the key the write replaces or deletes, or {@code null}
	 * @return the operations, and how to record them once the transaction succeeded
	 */
	private Companions companions(String key, byte @Nullable [] value, long leaseId, @Nullable String replaced) {
		LayoutPublisher layouts = this.layouts;
		if (layouts == null) {
			return Companions.NONE;
		}
		List<PublishedKey> puts = (value != null) ? layouts.keysFor(key, value, leaseId) : List.of();
		List<String> putKeys = puts.stream().map(PublishedKey::key).toList();
		List<Op> ops = new ArrayList<>();
		PutOption put = PutOption.builder().withLeaseId(leaseId).build();
		puts.forEach(
				(published) -> ops.add(Op.put(bytes(published.key()), ByteSequence.from(published.valueBytes()), put)));
		List<String> deletes = new ArrayList<>();
		deletes.addAll(this.published.getOrDefault(key, List.of()));
		if (replaced != null && !replaced.equals(key)) {
			deletes.addAll(this.published.getOrDefault(replaced, List.of()));
		}
		deletes.stream()
			.distinct()
			.filter((deleted) -> !putKeys.contains(deleted) && !deleted.equals(key))
			.forEach((deleted) -> ops.add(Op.delete(bytes(deleted), DeleteOption.DEFAULT)));
		if (ops.isEmpty()) {
			return Companions.NONE;
		}
		return new Companions(ops, () -> {
			if (replaced != null) {
				this.published.remove(replaced);
			}
			if (putKeys.isEmpty()) {
				this.published.remove(key);
			}
			else {
				this.published.put(key, putKeys);
			}
		});
	}

	private static Cmp unchanged(ByteSequence key, @Nullable KeyValue seen) {
		return (seen != null) ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(seen.getCreateRevision()))
				: new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
	}

	private static ExistingKey existingKey(KeyValue kv) {
		return new ExistingKey(kv.getLease(), kv.getCreateRevision());
	}

	private static @Nullable KeyValue first(List<GetResponse> responses) {
		for (GetResponse response : responses) {
			if (!response.getKvs().isEmpty()) {
				return response.getKvs().get(0);
			}
		}
		return null;
	}

	private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call, String what, Duration timeout) {
		try {
			return EtcdCalls.call(call.get(), what, timeout);
		}
		catch (RuntimeException ex) {
			// jetcd refuses some calls at once, a closed client for example.
			return CompletableFuture
				.failedFuture(new EtcdCallException(what + " failed: " + EtcdErrors.describe(ex), ex));
		}
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	/**
	 * One registration of a key: a transaction that creates it, or re-binds it when it is
	 * this process's, retried when the keys change meanwhile, and a read back.
	 */
	private final class Registration {

		private final String key;

		private final String otherKey;

		private final ByteSequence k;

		private final ByteSequence other;

		private final ByteSequence value;

		private final long leaseId;

		private final Predicate<ExistingKey> isOwn;

		private final Duration timeout;

		private final PutOption put;

		private final Companions companions;

		Registration(String key, String otherKey, byte[] value, long leaseId, Predicate<ExistingKey> isOwn,
				Duration timeout) {
			this.key = key;
			this.otherKey = otherKey;
			this.k = bytes(key);
			this.other = bytes(otherKey);
			this.value = ByteSequence.from(value);
			this.leaseId = leaseId;
			this.isOwn = isOwn;
			this.timeout = timeout;
			this.put = PutOption.builder().withLeaseId(leaseId).build();
			this.companions = companions(key, value, leaseId, otherKey);
		}

		CompletableFuture<RegisteredKey> attempt(int attempt) {
			if (attempt >= 3) {
				return CompletableFuture.failedFuture(
						new RegistrationException("Key " + this.key + " kept changing while it was being registered"));
			}
			List<Op> ops = new ArrayList<>();
			ops.add(Op.put(this.k, this.value, this.put));
			ops.addAll(this.companions.ops());
			return call(() -> EtcdRegistrationStore.this.client.getKVClient()
				.txn()
				.If(new Cmp(this.k, Cmp.Op.EQUAL, CmpTarget.version(0)),
						new Cmp(this.other, Cmp.Op.EQUAL, CmpTarget.version(0)))
				.Then(ops.toArray(Op[]::new))
				.Else(Op.get(this.k, GetOption.DEFAULT), Op.get(this.other, GetOption.DEFAULT))
				.commit(), "registering " + this.key, this.timeout)
				.thenCompose((created) -> created.isSucceeded() ? readBack() : rebind(created, attempt));
		}

		private CompletableFuture<RegisteredKey> rebind(TxnResponse created, int attempt) {
			List<GetResponse> found = created.getGetResponses();
			KeyValue existing = first(found.subList(0, 1));
			KeyValue existingOther = first(found.subList(1, 2));
			if (existing == null && existingOther == null) {
				return attempt(attempt + 1);
			}
			if (existingOther != null && existingOther.getLease() != this.leaseId
					&& !this.isOwn.test(existingKey(existingOther))) {
				return CompletableFuture
					.failedFuture(new InstanceIdConflictException(this.otherKey, existingOther.getLease()));
			}
			if (existing != null && existing.getLease() != this.leaseId && !this.isOwn.test(existingKey(existing))) {
				return CompletableFuture.failedFuture(new InstanceIdConflictException(this.key, existing.getLease()));
			}
			boolean putNeeded = existing == null || existing.getLease() != this.leaseId
					|| !existing.getValue().equals(this.value);
			if (!putNeeded && existingOther == null && this.companions.ops().isEmpty()) {
				return readBack();
			}
			List<Op> ops = new ArrayList<>();
			if (existingOther != null) {
				ops.add(Op.delete(this.other, DeleteOption.DEFAULT));
			}
			if (putNeeded) {
				ops.add(Op.put(this.k, this.value, this.put));
			}
			// Written again each time: a registration that heals heals them too.
			ops.addAll(this.companions.ops());
			return call(() -> EtcdRegistrationStore.this.client.getKVClient()
				.txn()
				.If(unchanged(this.k, existing), unchanged(this.other, existingOther))
				.Then(ops.toArray(Op[]::new))
				.commit(), "re-binding " + this.key, this.timeout)
				.thenCompose((replaced) -> replaced.isSucceeded() ? readBack() : attempt(attempt + 1));
		}

		private CompletableFuture<RegisteredKey> readBack() {
			return call(() -> EtcdRegistrationStore.this.client.getKVClient().get(this.k), "reading " + this.key,
					this.timeout)
				.thenApply((response) -> {
					KeyValue kv = first(List.of(response));
					if (kv == null || kv.getLease() != this.leaseId || !kv.getValue().equals(this.value)) {
						throw new RegistrationException("Key " + this.key + " changed while it was being registered");
					}
					this.companions.written();
					return new RegisteredKey(kv.getLease(), kv.getCreateRevision(), kv.getValue().getBytes(),
							response.getHeader().getRevision());
				});
		}

	}

	/**
	 * The operations on other layouts' keys that go with one write, and how to record
	 * what they leave published once the write succeeded.
	 *
	 * @param ops the puts and deletes
	 * @param onWritten records what is published afterwards
	 */
	private record Companions(List<Op> ops, Runnable onWritten) {

		static final Companions NONE = new Companions(List.of(), () -> {
		});

		void written() {
			this.onWritten.run();
		}

	}

	/**
	 * Receives keep-alive replies of one lease on jetcd's threads.
	 */
	private static final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {

		private final LeaseListener listener;

		KeepAliveObserver(LeaseListener listener) {
			this.listener = listener;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (response.getTTL() > 0) {
				this.listener.renewed(response.getTTL());
			}
		}

		@Override
		public void onError(Throwable error) {
			if (EtcdErrors.isLeaseNotFound(error)) {
				this.listener.ended("expired or revoked");
			}
			else if (logger.isDebugEnabled()) {
				// Not terminal: jetcd restarts the keep-alive stream by itself.
				logger.debug("Keep-alive stream error, jetcd retries: " + EtcdErrors.describe(error));
			}
		}

		@Override
		public void onCompleted() {
			// jetcd's deadline: no reply within the TTL of the last one. etcd may still
			// have the lease (slow, or out of reach for a while).
			this.listener.lapsed();
		}

	}

	/**
	 * Receives the events of one watched key on jetcd's threads.
	 */
	private static final class KeyWatchListener implements Watch.Listener {

		private final KeyListener listener;

		KeyWatchListener(KeyListener listener) {
			this.listener = listener;
		}

		@Override
		public void onNext(WatchResponse response) {
			for (WatchEvent event : response.getEvents()) {
				KeyValue kv = event.getKeyValue();
				if (event.getEventType() == WatchEvent.EventType.DELETE) {
					this.listener.deleted();
				}
				else if (event.getEventType() == WatchEvent.EventType.PUT) {
					this.listener.put(existingKey(kv));
				}
			}
		}

		@Override
		public void onError(Throwable error) {
			if (EtcdErrors.isWatchResumedByJetcd(error)) {
				// jetcd resumes the watch from the last revision it saw, so whatever
				// happened to the key meanwhile still comes. Ending it here would make
				// every registration of this process read and watch its key again at
				// once, just as etcd answers again.
				return;
			}
			this.listener.ended(EtcdErrors.describe(error));
		}

		@Override
		public void onCompleted() {
			this.listener.ended("completed");
		}

	}

}
