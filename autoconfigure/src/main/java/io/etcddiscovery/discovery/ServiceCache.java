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

package io.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.registration.Backoff;
import io.etcddiscovery.registration.Durations;
import io.etcddiscovery.registration.EtcdErrors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * A local copy of every instance registered under one namespace prefix, kept current by
 * one listing of the prefix and one watch from the listing's revision.
 * <p>
 * Lookups read an immutable snapshot without locks or allocation; the lists of each
 * service are computed when it changes. The first lookup before the first listing waits
 * for it, up to the initial lookup timeout counted from {@link #start()}, then answers
 * from what the cache has. While etcd cannot be reached, lookups answer from what the
 * cache last saw.
 * <p>
 * The cache survives what etcd does to a watch. jetcd resumes a watch by itself after a
 * stream error; any other end of the watch (compaction past the watched revision, lost
 * leader, cancellation) makes the cache list the prefix again, replace its content and
 * watch from the new revision, retrying with backoff, forever. A watch that etcd answers
 * at an older revision or raft term than the cache has seen (etcd wiped, or restored from
 * a backup) does the same.
 * <p>
 * All state is owned by one named thread; jetcd's callbacks only hand events to it.
 * Listeners are notified on a second named thread, never on jetcd's threads nor under a
 * lock.
 *
 * @author etcd-discovery authors
 */
public class ServiceCache implements AutoCloseable {

	/**
	 * Prefix of the name of the thread that lists and watches etcd.
	 */
	public static final String THREAD_NAME_PREFIX = "etcd-discovery-cache-";

	/**
	 * Prefix of the name of the thread that notifies listeners.
	 */
	public static final String LISTENER_THREAD_NAME_PREFIX = "etcd-discovery-cache-events-";

	private static final Log logger = LogFactory.getLog(ServiceCache.class);

	// Keeps each listing response far below gRPC's default 4 MiB message limit.
	private static final int PAGE_SIZE = 500;

	private final Client client;

	private final String prefix;

	private final ByteSequence prefixBytes;

	private final Duration requestTimeout;

	private final Duration initialLookupTimeout;

	private final Backoff backoff;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor worker;

	private final CacheListeners listeners;

	private final CountDownLatch firstListing = new CountDownLatch(1);

	private final CompletableFuture<Void> listed = new CompletableFuture<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile CacheSnapshot snapshot = CacheSnapshot.EMPTY;

	private volatile long initialDeadline;

	// Whether listeners are notified: after the first listing or the initial timeout.
	private volatile boolean ready;

	private volatile boolean stopping;

	// Written by the worker thread only, read by stats().

	private volatile boolean connected;

	private volatile boolean synced;

	private volatile long revision;

	private volatile @Nullable Instant lastListedAt;

	private volatile @Nullable Instant lastEventAt;

	private volatile @Nullable Instant disconnectedSince;

	private volatile long eventsApplied;

	private volatile long listings;

	private volatile long valuesSkipped;

	private volatile int invalidKeys;

	private volatile @Nullable SkippedValue lastSkipped;

	private volatile int failures;

	private volatile @Nullable String lastError;

	// Fields below are only touched on the worker thread.

	private final InstanceTable table;

	private @Nullable WatchSession session;

	private @Nullable ScheduledFuture<?> pendingListing;

	private long raftTerm;

	private long clusterId;

	// Watches that ended or went back in time before being established in a row.
	private int unstableWatches;

	/**
	 * Create a new cache. Nothing happens until {@link #start()} or the first lookup.
	 * @param client the etcd client
	 * @param prefix the prefix of a namespace, ending with '/', for example
	 * {@code /services/default/}
	 * @param requestTimeout the deadline of every call to etcd
	 * @param initialLookupTimeout how long lookups wait for the first listing
	 * @param backoff the delays between attempts to list etcd
	 * @param clock the clock for timestamps
	 */
	public ServiceCache(Client client, String prefix, Duration requestTimeout, Duration initialLookupTimeout,
			Backoff backoff, Clock clock) {
		Assert.notNull(client, "'client' must not be null");
		Assert.isTrue(prefix != null && prefix.endsWith("/"), "'prefix' must end with '/'");
		Assert.notNull(requestTimeout, "'requestTimeout' must not be null");
		Assert.notNull(initialLookupTimeout, "'initialLookupTimeout' must not be null");
		Assert.notNull(backoff, "'backoff' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.client = client;
		this.prefix = prefix;
		this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
		this.requestTimeout = requestTimeout;
		this.initialLookupTimeout = initialLookupTimeout;
		this.backoff = backoff;
		this.clock = clock;
		this.table = new InstanceTable(new ServiceInstanceReader(prefix), this::skipped);
		CustomizableThreadFactory workerThreads = new CustomizableThreadFactory(THREAD_NAME_PREFIX);
		workerThreads.setDaemon(true);
		this.worker = new ScheduledThreadPoolExecutor(1, workerThreads);
		this.worker.setRemoveOnCancelPolicy(true);
		this.worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.listeners = new CacheListeners(() -> this.snapshot, LISTENER_THREAD_NAME_PREFIX);
	}

	/**
	 * Start listing and watching etcd in the background. Never blocks; does nothing if
	 * the cache is already started or closed.
	 */
	public void start() {
		if (this.closed.get() || !this.started.compareAndSet(false, true)) {
			return;
		}
		this.initialDeadline = System.nanoTime() + this.initialLookupTimeout.toNanos();
		execute(this::list);
		try {
			this.worker.schedule(this::initialLookupTimeoutPassed, this.initialLookupTimeout.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	/**
	 * Return the prefix this cache lists and watches.
	 * @return the prefix
	 */
	public String getPrefix() {
		return this.prefix;
	}

	/**
	 * Return every instance of a service, whatever its status, ordered by instance id.
	 * @param service the service
	 * @return the instances, empty if the service has none
	 */
	public List<ServiceInstance> instances(String service) {
		ServiceInstances instances = lookup().get(service);
		return (instances != null) ? instances.all() : List.of();
	}

	/**
	 * Return the instances of a service whose status is UP, ordered by instance id.
	 * @param service the service
	 * @return the instances, empty if the service has none
	 */
	public List<ServiceInstance> upInstances(String service) {
		ServiceInstances instances = lookup().get(service);
		return (instances != null) ? instances.up() : List.of();
	}

	/**
	 * Return the instances of a service.
	 * @param service the service
	 * @return the instances, empty if the service has none
	 */
	public ServiceInstances get(String service) {
		ServiceInstances instances = lookup().get(service);
		return (instances != null) ? instances : ServiceInstances.empty(service);
	}

	/**
	 * Return the names of the services that have at least one instance, whatever its
	 * status, sorted.
	 * @return the service names
	 */
	public List<String> services() {
		return lookup().names();
	}

	/**
	 * Return whether etcd has been listed, so that lookups answer without waiting.
	 * @return whether the first listing completed
	 */
	public boolean isListed() {
		return this.snapshot.isListed();
	}

	/**
	 * Return a stage that completes when etcd has been listed for the first time. It
	 * completes on the cache's own thread: attach dependent actions with an executor of
	 * your own ({@code thenRunAsync(action, executor)}).
	 * @return the first listing
	 */
	public CompletionStage<Void> firstListing() {
		return this.listed.minimalCompletionStage();
	}

	/**
	 * Return the latest etcd revision the cache has seen: at least the revision of every
	 * change listeners were notified of. It follows etcd's history, so it only goes back
	 * when a wiped or restored etcd is listed again.
	 * @return the revision, 0 before the first listing
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * Notify a listener of the instances of one service: first of the current ones, once
	 * etcd has been listed or the initial lookup timeout has passed, then each time they
	 * change. The listener is called on the cache's listener thread, one call at a time.
	 * @param service the service
	 * @param listener the listener
	 * @return the subscription, to close when no longer interested
	 */
	public Subscription subscribe(String service, Consumer<ServiceInstances> listener) {
		Assert.hasText(service, "'service' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		return this.listeners.add(service, listener, this.ready);
	}

	/**
	 * Notify a listener each time the instances of any service change, once per changed
	 * service, on the cache's listener thread, one call at a time. The first listing of
	 * etcd counts as a change of every service it finds.
	 * @param listener the listener
	 * @return the subscription, to close when no longer interested
	 */
	public Subscription subscribeAll(Consumer<ServiceInstances> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		return this.listeners.add(null, listener, false);
	}

	/**
	 * List etcd again and replace the cache's content, in the background.
	 */
	public void resync() {
		execute(() -> {
			logger.info("Re-listing %s on request".formatted(this.prefix));
			this.unstableWatches = 0;
			list();
		});
	}

	/**
	 * Check that etcd answers, with a deadline.
	 * @throws IllegalStateException if it does not
	 */
	public void probe() {
		await(this.client.getKVClient()
			.get(this.prefixBytes, GetOption.builder().isPrefix(true).withCountOnly(true).build()),
				"counting keys under " + this.prefix);
	}

	/**
	 * Return how current the cache is and what it has done.
	 * @return the statistics
	 */
	public ServiceCacheStats stats() {
		Map<String, Integer> counts = new HashMap<>();
		for (ServiceInstances instances : this.snapshot.services()) {
			counts.put(instances.service(), instances.all().size());
		}
		return new ServiceCacheStats(this.prefix, this.connected, this.synced, this.revision, this.lastListedAt,
				this.lastEventAt, this.disconnectedSince, this.eventsApplied, Math.max(0, this.listings - 1),
				this.valuesSkipped, this.invalidKeys, this.lastSkipped, this.failures, this.lastError, counts);
	}

	/**
	 * Stop watching etcd and notifying listeners, and end both threads. Lookups keep
	 * answering from what the cache last saw. A second call does nothing.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.stopping = true;
		this.firstListing.countDown();
		// Interrupts a listing that waits for etcd: stopping never waits for etcd.
		this.worker.shutdownNow();
		long timeout = this.requestTimeout.toMillis();
		if (!awaitTermination(this.worker, timeout)) {
			logger.warn("The cache thread of %s did not end within %dms".formatted(this.prefix, timeout));
		}
		// The worker thread has ended: its state is this thread's now.
		stopWatching();
		this.listeners.close(timeout);
		logger.debug("Stopped watching " + this.prefix);
	}

	/**
	 * Apply watch events as if the current watch had delivered them again, for tests.
	 * @param events the events
	 */
	void redeliver(List<WatchEvent> events) {
		execute(() -> apply(events));
	}

	private CacheSnapshot lookup() {
		CacheSnapshot current = this.snapshot;
		if (current.isListed() || this.ready) {
			return current;
		}
		return awaitFirstListing();
	}

	private CacheSnapshot awaitFirstListing() {
		start();
		long remaining = this.initialDeadline - System.nanoTime();
		if (remaining > 0 && !this.stopping) {
			try {
				this.firstListing.await(remaining, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this.snapshot;
	}

	// Worker thread from here on.

	private void list() {
		this.pendingListing = null;
		if (this.stopping) {
			return;
		}
		stopWatching();
		Listing listing;
		try {
			listing = fetch();
		}
		catch (RuntimeException ex) {
			if (this.stopping) {
				return;
			}
			this.failures++;
			this.lastError = ex.getMessage();
			this.synced = false;
			Duration delay = this.backoff.delay(this.failures);
			String message = "Could not list %s (%s): lookups answer from the cache, retrying in %s, with backoff"
				.formatted(this.prefix, ex.getMessage(), Durations.format(delay));
			if (this.failures == 1) {
				logger.warn(message);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message + " (attempt " + this.failures + ")");
			}
			scheduleListing(delay);
			return;
		}
		boolean first = !this.snapshot.isListed();
		Set<String> changed = this.table.replace(listing.kvs(), listing.header().getRevision());
		this.revision = listing.header().getRevision();
		this.raftTerm = listing.header().getRaftTerm();
		this.clusterId = listing.header().getClusterId();
		this.lastListedAt = this.clock.instant();
		this.listings++;
		this.invalidKeys = this.table.invalidKeys();
		int failed = this.failures;
		this.failures = 0;
		this.lastError = null;
		long from = this.revision + 1;
		boolean watching = true;
		try {
			watch(from);
		}
		catch (RuntimeException ex) {
			// Only when the client is closed: nothing left to do.
			logger.debug("Could not watch %s: %s".formatted(this.prefix, EtcdErrors.describe(ex)));
			watching = false;
		}
		this.synced = watching;
		publish(changed);
		if (watching) {
			CacheSnapshot current = this.snapshot;
			int instances = current.services().stream().mapToInt((service) -> service.all().size()).sum();
			logger.info("%s %s: %d instance%s of %d service%s at revision %d%s; watching from revision %d".formatted(
					first ? "Listed" : "Re-listed", this.prefix, instances, (instances != 1) ? "s" : "",
					current.names().size(), (current.names().size() != 1) ? "s" : "", this.revision,
					(failed > 0) ? " after " + failed + " failed attempt" + ((failed > 1) ? "s" : "") : "", from));
		}
	}

	private Listing fetch() {
		ByteSequence end = OptionsUtil.prefixEndOf(this.prefixBytes);
		List<KeyChange> kvs = new ArrayList<>();
		ByteSequence from = this.prefixBytes;
		Response.Header header = null;
		while (true) {
			GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_SIZE);
			if (header != null) {
				// Later pages read the same revision as the first: one consistent
				// listing.
				option.withRevision(header.getRevision());
			}
			GetResponse page = await(this.client.getKVClient().get(from, option.build()), "listing " + this.prefix);
			header = (header != null) ? header : page.getHeader();
			List<KeyValue> pageKvs = page.getKvs();
			for (KeyValue kv : pageKvs) {
				kvs.add(new KeyChange(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
						kv.getModRevision()));
			}
			if (!page.isMore() || pageKvs.isEmpty()) {
				return new Listing(kvs, header);
			}
			from = pageKvs.get(pageKvs.size() - 1).getKey().concat(ByteSequence.from(new byte[] { 0 }));
		}
	}

	private void watch(long fromRevision) {
		WatchSession started = new WatchSession();
		this.session = started;
		WatchOption option = WatchOption.builder()
			.isPrefix(true)
			.withRevision(fromRevision)
			// A member without quorum ends the watch instead of going silent.
			.withRequireLeader(true)
			// Each (re)created watch reports etcd's revision and term: see isBehind.
			.withCreateNotify(true)
			.build();
		started.watcher = this.client.getWatchClient().watch(this.prefixBytes, option, started);
	}

	private void onResponse(WatchSession from, WatchResponse response) {
		if (from != this.session) {
			return;
		}
		Response.Header header = response.getHeader();
		if (isBehind(header)) {
			logger.warn(("History of etcd went back (revision %d in raft term %d after revision %d in raft term %d): "
					+ "etcd was wiped or restored from a backup, or a lagging member answered. Re-listing %s")
				.formatted(header.getRevision(), header.getRaftTerm(), this.revision, this.raftTerm, this.prefix));
			relistAfterUnstableWatch();
			return;
		}
		this.revision = Math.max(this.revision, header.getRevision());
		this.raftTerm = Math.max(this.raftTerm, header.getRaftTerm());
		if (response.isCreatedNotify()) {
			watchEstablished(from, header.getRevision());
			return;
		}
		apply(response.getEvents());
	}

	private void apply(List<WatchEvent> watchEvents) {
		List<KeyChange> events = new ArrayList<>(watchEvents.size());
		for (WatchEvent event : watchEvents) {
			KeyValue kv = event.getKeyValue();
			boolean put = event.getEventType() == WatchEvent.EventType.PUT;
			if (put || event.getEventType() == WatchEvent.EventType.DELETE) {
				events.add(new KeyChange(kv.getKey().toString(StandardCharsets.UTF_8),
						put ? kv.getValue().getBytes() : null, kv.getModRevision()));
			}
		}
		if (events.isEmpty()) {
			return;
		}
		long applied = this.table.eventsApplied();
		Set<String> changed = this.table.apply(events);
		if (this.table.eventsApplied() != applied) {
			this.eventsApplied = this.table.eventsApplied();
			this.lastEventAt = this.clock.instant();
			this.invalidKeys = this.table.invalidKeys();
		}
		publish(changed);
	}

	private boolean isBehind(Response.Header header) {
		// Revisions and raft terms never go back in one etcd cluster's life.
		return header.getRevision() < this.revision || header.getRaftTerm() < this.raftTerm
				|| (this.clusterId != 0 && header.getClusterId() != 0 && header.getClusterId() != this.clusterId);
	}

	private void watchEstablished(WatchSession established, long atRevision) {
		boolean resumed = established.established;
		established.established = true;
		this.unstableWatches = 0;
		if (!this.connected) {
			this.connected = true;
			this.disconnectedSince = null;
			if (resumed) {
				logger.info("Watch of %s resumed at revision %d".formatted(this.prefix, atRevision));
			}
		}
	}

	private void onError(WatchSession from, Throwable error) {
		if (from != this.session) {
			return;
		}
		from.lastError = error;
		this.lastError = EtcdErrors.describe(error);
		if (this.connected) {
			this.connected = false;
			this.disconnectedSince = this.clock.instant();
			if (isResumedByJetcd(error)) {
				logger.info("Watch of %s interrupted (%s): resuming it, lookups answer from the cache meanwhile"
					.formatted(this.prefix, EtcdErrors.describe(error)));
			}
		}
	}

	private void onCompleted(WatchSession from) {
		if (from != this.session) {
			return;
		}
		this.session = null;
		this.synced = false;
		if (this.connected) {
			this.connected = false;
			this.disconnectedSince = this.clock.instant();
		}
		String reason = (from.lastError != null) ? describeEnd(from.lastError) : "closed by etcd";
		if (from.established) {
			logger.info("Watch of %s ended (%s): re-listing".formatted(this.prefix, reason));
			this.unstableWatches = 0;
			list();
		}
		else {
			this.unstableWatches++;
			Duration delay = this.backoff.delay(this.unstableWatches);
			String message = "Watch of %s ended before it was established (%s): re-listing in %s".formatted(this.prefix,
					reason, Durations.format(delay));
			if (this.unstableWatches == 1) {
				logger.warn(message);
			}
			else {
				logger.debug(message);
			}
			scheduleListing(delay);
		}
	}

	private void relistAfterUnstableWatch() {
		stopWatching();
		this.synced = false;
		this.unstableWatches++;
		if (this.unstableWatches == 1) {
			list();
		}
		else {
			scheduleListing(this.backoff.delay(this.unstableWatches - 1));
		}
	}

	private void initialLookupTimeoutPassed() {
		if (this.ready || this.stopping) {
			return;
		}
		this.ready = true;
		logger.warn("%s was not listed within %s: lookups answer from the cache, empty until etcd answers"
			.formatted(this.prefix, Durations.format(this.initialLookupTimeout)));
		this.listeners.changed(Set.of(), true);
	}

	private void publish(Set<String> changed) {
		CacheSnapshot previous = this.snapshot;
		if (changed.isEmpty() && previous.isListed()) {
			return;
		}
		List<ServiceInstances> updates = new ArrayList<>(changed.size());
		for (String service : changed) {
			updates.add(this.table.instancesOf(service, previous.get(service)));
		}
		this.snapshot = previous.with(updates);
		boolean becameReady = !this.ready;
		this.ready = true;
		this.firstListing.countDown();
		this.listeners.changed(changed, becameReady);
		this.listed.complete(null);
	}

	private void scheduleListing(Duration delay) {
		cancelPendingListing();
		if (!this.stopping) {
			try {
				this.pendingListing = this.worker.schedule(this::list, delay.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Stopping.
			}
		}
	}

	private void cancelPendingListing() {
		if (this.pendingListing != null) {
			this.pendingListing.cancel(false);
			this.pendingListing = null;
		}
	}

	private void stopWatching() {
		cancelPendingListing();
		WatchSession current = this.session;
		this.session = null;
		if (current != null && current.watcher != null) {
			current.watcher.close();
		}
		this.connected = false;
	}

	private void skipped(String key, long modRevision, String reason) {
		SkippedValue skipped = new SkippedValue(SkippedValue.printable(key), modRevision, reason, this.clock.instant());
		this.lastSkipped = skipped;
		this.valuesSkipped++;
		logger.warn("Skipping %s at revision %d: %s; the other instances stay usable".formatted(skipped.key(),
				modRevision, reason));
	}

	private void execute(Runnable task) {
		if (this.stopping) {
			return;
		}
		try {
			this.worker.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Cache task for %s failed: %s".formatted(this.prefix, EtcdErrors.describe(ex)), ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing to do any more.
		}
	}

	private <T> T await(CompletableFuture<T> future, String what) {
		try {
			return future.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new IllegalStateException(what + " timed out after " + Durations.format(this.requestTimeout));
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException(what + " failed: " + EtcdErrors.describe(cause), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what + " was interrupted");
		}
	}

	private static boolean awaitTermination(ThreadPoolExecutor executor, long timeoutMillis) {
		try {
			return executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static boolean isResumedByJetcd(Throwable error) {
		// jetcd resumes a watch after UNAVAILABLE or INTERNAL, except when etcd has no
		// leader.
		return error instanceof EtcdException etcd
				&& (etcd.getErrorCode() == ErrorCode.UNAVAILABLE || etcd.getErrorCode() == ErrorCode.INTERNAL)
				&& (etcd.getMessage() == null || !etcd.getMessage().contains("no leader"));
	}

	private static String describeEnd(Throwable error) {
		if (error instanceof CompactedException compacted) {
			return "compacted at revision " + compacted.getCompactedRevision();
		}
		return EtcdErrors.describe(error);
	}

	/**
	 * A complete listing of the prefix at one revision.
	 */
	private record Listing(List<KeyChange> kvs, Response.Header header) {

	}

	/**
	 * One watch: receives its callbacks on jetcd's threads and hands them to the worker
	 * thread, which ignores those of a watch that is no longer current.
	 */
	private final class WatchSession implements Watch.Listener {

		// Touched on the worker thread only.

		private Watch.@Nullable Watcher watcher;

		private boolean established;

		private @Nullable Throwable lastError;

		@Override
		public void onNext(WatchResponse response) {
			execute(() -> onResponse(this, response));
		}

		@Override
		public void onError(Throwable error) {
			execute(() -> ServiceCache.this.onError(this, error));
		}

		@Override
		public void onCompleted() {
			execute(() -> ServiceCache.this.onCompleted(this));
		}

	}

}
