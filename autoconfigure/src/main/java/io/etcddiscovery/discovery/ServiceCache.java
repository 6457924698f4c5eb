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

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.LastKnownInstancesFile.LastKnownInstances;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.etcd.layout.LayoutCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * A local copy of every instance registered under one namespace prefix, kept current by
 * one listing of the prefix and one watch from the listing's revision
 * ({@link NamespaceSync}).
 * <p>
 * Lookups read an immutable snapshot without locks or allocation; the lists of each
 * service are computed when it changes. The first lookup before the first listing waits
 * for it, up to the initial lookup timeout counted from {@link #start()}, then answers
 * from what the cache has. While etcd cannot be reached, lookups answer from what the
 * cache last saw.
 * <p>
 * With a {@link LastKnownInstancesFile}, the cache writes what it knows to that file, and
 * when etcd cannot be listed within the initial lookup timeout after start, lookups
 * answer from the instances the file holds until the first listing replaces them whole.
 * <p>
 * All state is confined to one {@link SerialExecutor} on the shared shared
 * {@link TaskScheduler}; jetcd's callbacks only hand events to it. Listeners are notified
 * on a second serial executor, never on jetcd's threads nor under a lock.
 *
 * @author etcd-discovery authors
 */
public class ServiceCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ServiceCache.class);

	private final String prefix;

	private final Duration initialLookupTimeout;

	private final SerialExecutor executor;

	private final NamespaceListing listing;

	private final NamespaceSync sync;

	// The own namespace's sync first, then one per prefix of another registry's layout.
	private final List<NamespaceSync> syncs;

	// Touched on the executor only: the syncs that have not listed yet, and what changed
	// meanwhile.
	private final Set<NamespaceSync> unlisted = new HashSet<>();

	private final Set<String> changedBeforeListed = new HashSet<>();

	private final CacheListeners listeners;

	// Written on the executor only.
	private final UpTimes upTimes = new UpTimes(System::nanoTime);

	private final @Nullable LastKnownInstancesFile lastKnownFile;

	private final Object lastKnownLock = new Object();

	// Under the lock: the file is read at most once, and only before the first listing.
	private boolean lastKnownRead;

	private @Nullable CacheSnapshot lastKnown;

	private final CountDownLatch firstListing = new CountDownLatch(1);

	private final CompletableFuture<Void> listed = new CompletableFuture<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile CacheSnapshot snapshot = CacheSnapshot.EMPTY;

	private volatile CacheProgress progress = CacheProgress.INITIAL;

	private volatile ProtectionStats protection;

	private volatile long initialDeadline;

	// Whether listeners are notified: after the first listing or the initial timeout.
	private volatile boolean ready;

	private volatile boolean stopping;

	/**
	 * Create a new cache. Nothing happens until {@link #start()} or the first lookup.
	 * @param client the etcd client
	 * @param prefix the prefix of a namespace, ending with '/', for example
	 * {@code /services/default/}
	 * @param requestTimeout the deadline of every call to etcd
	 * @param initialLookupTimeout how long lookups wait for the first listing
	 * @param backoff the delays between attempts to list etcd
	 * @param clock the clock for timestamps
	 * @param scheduler the threads to run on
	 */
	public ServiceCache(Client client, String prefix, Duration requestTimeout, Duration initialLookupTimeout,
			Backoff backoff, Clock clock, TaskScheduler scheduler) {
		this(client, prefix, requestTimeout, initialLookupTimeout, backoff, clock, scheduler,
				RemovalProtection.DISABLED);
	}

	/**
	 * Create a new cache with a protection against mass removal. Nothing happens until
	 * {@link #start()} or the first lookup.
	 * @param client the etcd client
	 * @param prefix the prefix of a namespace, ending with '/', for example
	 * {@code /services/default/}
	 * @param requestTimeout the deadline of every call to etcd
	 * @param initialLookupTimeout how long lookups wait for the first listing
	 * @param backoff the delays between attempts to list etcd
	 * @param clock the clock for timestamps and for the protection against mass removal
	 * @param scheduler the threads to run on
	 * @param protection the protection against mass removal
	 */
	public ServiceCache(Client client, String prefix, Duration requestTimeout, Duration initialLookupTimeout,
			Backoff backoff, Clock clock, TaskScheduler scheduler, RemovalProtection protection) {
		this(client, prefix, requestTimeout, initialLookupTimeout, backoff, clock, scheduler, List.of(), null,
				protection);
	}

	/**
	 * Create a new cache that also reads the instances other registries wrote in their
	 * own layouts: one listing and watch per prefix of each layout, their instances in
	 * the same cache under the service names their layouts give, keeps what it knows in a
	 * file of last-known instances, and protects this library's own namespace against
	 * mass removal. Nothing happens until
	 * @param client the etcd client
	 * @param prefix the prefix of a namespace, ending with '/', for example
	 * {@code /services/default/}
	 * @param requestTimeout the deadline of every call to etcd
	 * @param initialLookupTimeout how long lookups wait for the first listing of every
	 * prefix, after which they answer from the last-known instances
	 * @param backoff the delays between attempts to list etcd
	 * @param clock the clock for timestamps and for the protection against mass removal
	 * @param scheduler the threads to run on
	 * @param layouts the codecs of the other registries' layouts to read
	 * @param lastKnownFile the file of last-known instances of this prefix, or
	 * {@code null} for none
	 * @param protection the protection of this library's own namespace against mass
	 * removal (other layouts' registrars delete their keys when they shut down, which
	 * cannot be told from a loss: they are not protected)
	 */
	public ServiceCache(Client client, String prefix, Duration requestTimeout, Duration initialLookupTimeout,
			Backoff backoff, Clock clock, TaskScheduler scheduler, List<LayoutCodec> layouts,
			@Nullable LastKnownInstancesFile lastKnownFile, RemovalProtection protection) {
		Assert.notNull(layouts, "'layouts' must not be null");
		Assert.notNull(client, "'client' must not be null");
		Assert.isTrue(prefix != null && prefix.endsWith("/"), "'prefix' must end with '/'");
		Assert.notNull(requestTimeout, "'requestTimeout' must not be null");
		Assert.notNull(initialLookupTimeout, "'initialLookupTimeout' must not be null");
		Assert.notNull(backoff, "'backoff' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		Assert.notNull(protection, "'protection' must not be null");
		this.prefix = prefix;
		this.protection = new ProtectionStats(protection.enabled(), List.of(), 0, 0);
		this.lastKnownFile = lastKnownFile;
		this.initialLookupTimeout = initialLookupTimeout;
		this.executor = new SerialExecutor("cache of " + prefix, scheduler);
		this.listing = new NamespaceListing(client, prefix, requestTimeout);
		this.sync = new NamespaceSync(this, client, this.listing, backoff, clock, this.executor, protection);
		List<NamespaceSync> syncs = new ArrayList<>();
		syncs.add(this.sync);
		for (LayoutCodec layout : layouts) {
			for (String layoutPrefix : layout.prefixes()) {
				syncs.add(new NamespaceSync(this, client, new NamespaceListing(client, layoutPrefix, requestTimeout),
						new LayoutInstanceReader(layout), layout.layout().id(), backoff, clock, this.executor,
						RemovalProtection.DISABLED));
			}
		}
		this.syncs = List.copyOf(syncs);
		this.unlisted.addAll(this.syncs);
		this.listeners = new CacheListeners(() -> this.snapshot,
				new SerialExecutor("listeners of " + prefix, scheduler));
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
		this.syncs.forEach((sync) -> execute(sync::list));
		try {
			this.executor.schedule(this::initialLookupTimeoutPassed, this.initialLookupTimeout);
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
	public List<DiscoveredInstance> instances(String service) {
		ServiceInstances instances = lookup().get(service);
		return (instances != null) ? instances.all() : List.of();
	}

	/**
	 * Return the instances of a service whose status is UP, ordered by instance id.
	 * @param service the service
	 * @return the instances, empty if the service has none
	 */
	public List<DiscoveredInstance> upInstances(String service) {
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
	 * Return whether lookups answer from the last-known instances of a file, because etcd
	 * could not be listed in time when the cache started and has not been listed since.
	 * @return whether the cache serves last-known instances
	 */
	public boolean isServingLastKnown() {
		return this.snapshot.isRestored();
	}

	/**
	 * Return what the file of last-known instances holds and how it is used.
	 * @return the statistics, or {@code null} when the cache has no such file
	 */
	public @Nullable LastKnownInstancesStats lastKnownStats() {
		LastKnownInstancesFile file = this.lastKnownFile;
		if (file == null) {
			return null;
		}
		CacheSnapshot current = this.snapshot;
		return new LastKnownInstancesStats(file.getFile(), current.isRestored(), current.restoredWrittenAt(),
				file.getLastWrittenAt(), file.getWrites());
	}

	/**
	 * Return a stage that completes when etcd has been listed for the first time. It
	 * completes on the cache's executor: attach dependent actions with an executor of
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
		return this.progress.revision();
	}

	/**
	 * Notify a listener of the instances of one service: first of the current ones, once
	 * etcd has been listed or the initial lookup timeout has passed, then each time they
	 * change. The listener is called on the cache's listener executor, one call at a
	 * time.
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
	 * service, on the cache's listener executor, one call at a time. The first listing of
	 * etcd counts as a change of every service it finds.
	 * @param listener the listener
	 * @return the subscription, to close when no longer interested
	 */
	public Subscription subscribeAll(Consumer<ServiceInstances> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		return this.listeners.add(null, listener, false);
	}

	/**
	 * Return when this application first saw an instance UP, on its own monotonic clock:
	 * the {@link System#nanoTime()} of the cache's change that made it UP here. Instances
	 * UP in the first listing of etcd, or in the last-known instances served before it,
	 * have no time: they were serving before this application started.
	 * @param key the instance's etcd key ({@link DiscoveredInstance#key()})
	 * @return the {@code System.nanoTime()} of that change, or empty when the instance
	 * was UP from the start or is not UP
	 */
	public OptionalLong upSince(String key) {
		return this.upTimes.upSince(key);
	}

	/**
	 * List etcd again and replace the cache's content, in the background.
	 */
	public void resync() {
		this.syncs.forEach((sync) -> execute(sync::resync));
	}

	/**
	 * Check that etcd answers, with a deadline.
	 * @throws io.etcddiscovery.etcd.EtcdCallException if it does not
	 */
	public void probe() {
		this.listing.probe();
	}

	/**
	 * Return how current the cache is and what it has done.
	 * @return the statistics
	 */
	public ServiceCacheStats stats() {
		CacheProgress current = this.progress;
		Map<String, Integer> counts = new HashMap<>();
		for (ServiceInstances instances : this.snapshot.services()) {
			counts.put(instances.service(), instances.all().size());
		}
		return new ServiceCacheStats(this.prefix, current.connected(), current.synced(), current.revision(),
				current.lastListedAt(), current.lastEventAt(), current.disconnectedSince(), current.eventsApplied(),
				Math.max(0, current.listings() - 1), current.valuesSkipped(), current.invalidKeys(),
				current.lastSkipped(), current.failures(), current.lastError(), counts);
	}

	/**
	 * Stop watching etcd and notifying listeners. Lookups keep answering from what the
	 * cache last saw. A second call does nothing.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.stopping = true;
		this.firstListing.countDown();
		// Interrupts a listing that waits for etcd: stopping never waits for etcd.
		this.executor.shutdownNow();
		Duration timeout = this.listing.requestTimeout();
		if (!this.executor.awaitTermination(timeout)) {
			logger.warn("The cache of %s did not stop within %s".formatted(this.prefix, Durations.format(timeout)));
		}
		// Nothing runs on the executor any more: its state is this thread's now.
		this.syncs.forEach(NamespaceSync::stopWatching);
		if (this.lastKnownFile != null) {
			this.lastKnownFile.close();
		}
		this.listeners.close(timeout.toMillis());
		logger.debug("Stopped watching " + this.prefix);
	}

	/**
	 * Return what the protection against mass removal holds now.
	 * @return the held instances and how often the protection tripped
	 */
	public ProtectionStats protection() {
		return this.protection;
	}

	boolean isStopping() {
		return this.stopping;
	}

	void protection(ProtectionStats protection) {
		this.protection = protection;
	}

	void progress(CacheProgress progress) {
		this.progress = progress;
	}

	/**
	 * Replace the instances of the services that changed and tell the listeners, once
	 * every prefix has been listed (or the initial lookup timeout passed). Called on the
	 * cache's executor.
	 * @param from the sync whose instances changed
	 * @param changed the services whose instances changed
	 * @return the snapshot after the change
	 */
	CacheSnapshot publish(NamespaceSync from, Set<String> changed) {
		this.unlisted.remove(from);
		boolean complete = this.unlisted.isEmpty();
		CacheSnapshot previous = this.snapshot;
		if (changed.isEmpty() && previous.isListed()) {
			return previous;
		}
		boolean wasListed = previous.isListed();
		Set<String> affected = new HashSet<>(changed);
		if (previous.isRestored()) {
			// The first listing replaces the last-known instances whole: the services
			// etcd no longer holds go, and their listeners are told; what other prefixes
			// listed before the last-known instances were served is taken back.
			affected.addAll(previous.names());
			affected.addAll(this.changedBeforeListed);
			logger.info("Listed %s: its instances replace the last-known instances written at %s".formatted(this.prefix,
					previous.restoredWrittenAt()));
			previous = CacheSnapshot.EMPTY;
		}
		List<ServiceInstances> updates = new ArrayList<>(affected.size());
		for (String service : affected) {
			updates.add(instancesOf(service, previous.get(service)));
		}
		CacheSnapshot current = previous.with(updates, complete);
		// Until every prefix has been listed once, what is UP was there at start. Before
		// the snapshot is published: a reader that sees an instance sees its time.
		this.upTimes.seen(updates, !complete || !wasListed);
		this.snapshot = current;
		if (!complete && !this.ready) {
			this.changedBeforeListed.addAll(changed);
			return current;
		}
		affected.addAll(this.changedBeforeListed);
		this.changedBeforeListed.clear();
		boolean becameReady = !this.ready;
		this.ready = true;
		this.firstListing.countDown();
		this.listeners.changed(affected, becameReady);
		if (complete) {
			this.listed.complete(null);
			if (this.lastKnownFile != null) {
				keepLastKnown(this.lastKnownFile, current, !wasListed);
			}
		}
		return current;
	}

	private void keepLastKnown(LastKnownInstancesFile file, CacheSnapshot current, boolean firstListing) {
		if (firstListing) {
			synchronized (this.lastKnownLock) {
				// Listed: the file is never read from now on.
				this.lastKnownRead = true;
				this.lastKnown = null;
			}
		}
		Duration delay = file.changed(current);
		if (delay != null) {
			try {
				this.executor.schedule(file::writePending, delay);
			}
			catch (RejectedExecutionException ex) {
				// Closing: close() writes it.
			}
		}
	}

	/**
	 * Return the last-known instances, reading the file the first time. Called only
	 * before the first listing, by lookups and by the cache's executor.
	 * @return the instances, or {@code null} if there are none
	 */
	private @Nullable CacheSnapshot lastKnown() {
		LastKnownInstancesFile file = this.lastKnownFile;
		if (file == null) {
			return null;
		}
		synchronized (this.lastKnownLock) {
			if (!this.lastKnownRead) {
				this.lastKnownRead = true;
				LastKnownInstances read = file.read();
				this.lastKnown = (read != null) ? CacheSnapshot.restored(read.instances(), read.writtenAt()) : null;
			}
			return this.lastKnown;
		}
	}

	private ServiceInstances instancesOf(String service, @Nullable ServiceInstances previous) {
		if (this.syncs.size() == 1) {
			return this.sync.table().instancesOf(service, previous);
		}
		List<DiscoveredInstance> found = new ArrayList<>();
		for (NamespaceSync each : this.syncs) {
			each.table().addInstancesOf(service, found);
		}
		// One endpoint once: an instance published in several layouts (this library's
		// own instances among them, when a layout is both read and published) is the
		// instance of the first sync that has it, this library's own first.
		Set<String> addresses = new HashSet<>();
		List<DiscoveredInstance> instances = new ArrayList<>(found.size());
		for (DiscoveredInstance instance : found) {
			if (addresses.add(instance.address())) {
				instances.add(instance);
			}
		}
		List<DiscoveredInstance> held = this.sync.table().held().heldOf(service);
		return (instances.isEmpty() && held.isEmpty()) ? ServiceInstances.empty(service)
				: ServiceInstances.of(service, instances, held, previous);
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
		CacheSnapshot current = this.snapshot;
		if (current.isListed() || this.ready || this.stopping || this.initialDeadline - System.nanoTime() > 0) {
			return current;
		}
		// Not listed in time, and the cache's executor, which may be waiting for etcd,
		// has
		// not caught up yet: answer from the last-known instances meanwhile.
		CacheSnapshot restored = lastKnown();
		current = this.snapshot;
		return (restored != null && !current.isListed()) ? restored : current;
	}

	private void initialLookupTimeoutPassed() {
		if (this.ready || this.stopping) {
			return;
		}
		// Only while this library's own namespace has not been listed.
		CacheSnapshot restored = this.unlisted.contains(this.sync) ? lastKnown() : null;
		if (restored == null) {
			this.ready = true;
			logger.warn("%s was not listed within %s: lookups answer from the cache, empty until etcd answers"
				.formatted(this.prefix, Durations.format(this.initialLookupTimeout)));
			this.listeners.changed(Set.of(), true);
			return;
		}
		this.upTimes.seen(restored.services(), true);
		this.snapshot = restored;
		// Ready once the last-known instances are in place: a lookup that finds the
		// cache ready answers from its snapshot, which must not be the empty one then.
		this.ready = true;
		int instances = restored.services().stream().mapToInt((service) -> service.all().size()).sum();
		logger.warn(("%s was not listed within %s: lookups answer from the %d last-known instance%s of %d service%s "
				+ "written at %s to %s, until etcd answers")
			.formatted(this.prefix, Durations.format(this.initialLookupTimeout), instances, (instances != 1) ? "s" : "",
					restored.names().size(), (restored.names().size() != 1) ? "s" : "", restored.restoredWrittenAt(),
					Objects.requireNonNull(this.lastKnownFile).getFile()));
		this.listeners.changed(Set.copyOf(restored.names()), true);
	}

	private void execute(Runnable task) {
		if (this.stopping) {
			return;
		}
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing to do any more.
		}
	}

}
